package dev.refinery.datasets.split;

/**
 * Assigns a record to a split from its prompt's normalized fingerprint alone, in basis points
 * (1/100 of a percent): the same prompt always lands in the same split, whatever else is in the file.
 * So when a dataset grows no record ever moves between splits, and records that share a prompt (or are
 * near-duplicates) can never sit on both sides of the train/held-out line. Default 90/10 train/validation;
 * a test share is optional, and with a fixed test set the file itself splits into train and validation only.
 */
public record SplitPolicy(int trainPercent, int validationPercent, int testPercent) {

    public static final SplitPolicy DEFAULT = new SplitPolicy(90, 10, 0);

    public SplitPolicy {
        if (trainPercent < 1 || validationPercent < 0 || testPercent < 0 || trainPercent + validationPercent + testPercent != 100) {
            throw new IllegalArgumentException("split percentages must be whole numbers that add up to 100 with train at least 1; got "
                    + trainPercent + "/" + validationPercent + "/" + testPercent);
        }
    }

    /** Parses "90/10" or "80/10/10" (train/validation[/test]). */
    public static SplitPolicy parse(String text) {
        String[] parts = text.trim().split("/");
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("splits are written train/validation or train/validation/test, e.g. 90/10 or 80/10/10; got '" + text + "'");
        }
        try {
            int train = Integer.parseInt(parts[0].trim());
            int validation = Integer.parseInt(parts[1].trim());
            int test = parts.length == 3 ? Integer.parseInt(parts[2].trim()) : 0;
            return new SplitPolicy(train, validation, test);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("split percentages must be whole numbers, e.g. 90/10; got '" + text + "'");
        }
    }

    /**
     * The fewest kept records for which the held-out splits are made: enough for the smallest held-out share
     * to expect one record (10 for 90/10, 100 for 98/1/1); 0 when nothing is held out. Below it every record
     * goes to train (see {@link SplitAssigner}).
     */
    public int minRecordsForHeldOut() {
        int smallest = Math.min(validationPercent == 0 ? 100 : validationPercent, testPercent == 0 ? 100 : testPercent);
        return validationPercent + testPercent == 0 ? 0 : (100 + smallest - 1) / smallest;
    }

    /** Whether this policy holds anything out. */
    public boolean holdsOut() {
        return validationPercent + testPercent > 0;
    }

    public Split assign(long promptFingerprint) {
        long bucket = Long.remainderUnsigned(promptFingerprint, 10_000);
        if (bucket < trainPercent * 100L) {
            return Split.TRAIN;
        }
        return bucket < (trainPercent + validationPercent) * 100L ? Split.VALIDATION : Split.TEST;
    }

    @Override
    public String toString() {
        return trainPercent + "/" + validationPercent + "/" + testPercent;
    }
}
