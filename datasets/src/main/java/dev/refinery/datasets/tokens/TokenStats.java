package dev.refinery.datasets.tokens;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Token statistics of a dataset, accumulated record by record in bounded memory (a fixed-bucket
 * histogram and a capped sample), so that a file of any size costs the same. Not thread-safe: each
 * thread keeps its own and {@link #merge}s it into one at the end; the result is the same as one
 * accumulator fed every record.
 *
 * <p>Percentiles use the nearest-rank definition (the smallest count that at least p of the records
 * do not exceed). They are exact for counts below {@value TokenHistogram#EXACT_LIMIT} and
 * bucket-accurate above: never below the true value, and at most 0.2% over it.
 */
public final class TokenStats {

    /** For a model whose context length is unknown: nothing is ever over it. */
    public static final int NO_CONTEXT_LIMIT = Integer.MAX_VALUE;

    /** One power-of-two range of the histogram, for a report: records with {@code from <= tokens <= to}. */
    public record Bucket(int from, int to, long records) {
    }

    /** A record over the context length: its line, its tokens and by how many it is over. */
    public record OverContext(long line, int tokens, int excess) {
    }

    /**
     * What a policy leaves: the records that train, the tokens billed for them and the tokens the loss
     * covers (for TRUNCATE an upper bound, see {@link OverContextPolicy#TRUNCATE}); {@code fails} when
     * the policy is FAIL and some record is over.
     */
    public record Outcome(OverContextPolicy policy, long records, long tokens, long trainedTokens, boolean fails) {
    }

    private final int contextLength;
    private final int sampleLimit;
    private final TokenHistogram histogram = new TokenHistogram();
    private long records;
    private long totalTokens;
    private long trainedTokens;
    private int min = Integer.MAX_VALUE;
    private int max;
    private long overRecords;
    private long overTokens;
    private long overTrainedTokens;
    private long overTrainedWithinContext;
    // The sample keeps the lowest line numbers seen, whatever order threads deliver them in: a max-heap by line.
    private final PriorityQueue<OverContext> overSample = new PriorityQueue<>(Comparator.comparingLong(OverContext::line).reversed());

    /**
     * @param contextLength the model's context in tokens ({@link #NO_CONTEXT_LIMIT} when unknown)
     * @param sampleLimit   how many over-context records to keep, the first by line number
     */
    public TokenStats(int contextLength, int sampleLimit) {
        if (contextLength <= 0 || sampleLimit < 0) {
            throw new IllegalArgumentException("need contextLength > 0 and sampleLimit >= 0, got " + contextLength + ", " + sampleLimit);
        }
        this.contextLength = contextLength;
        this.sampleLimit = sampleLimit;
    }

    /** Adds one record; {@code line} is its 1-based line (or record) number in the file. */
    public void add(long line, RecordTokens tokens) {
        int total = tokens.total();
        records++;
        totalTokens += total;
        trainedTokens += tokens.trained();
        min = Math.min(min, total);
        max = Math.max(max, total);
        histogram.add(total);
        if (total > contextLength) {
            overRecords++;
            overTokens += total;
            overTrainedTokens += tokens.trained();
            overTrainedWithinContext += Math.min(tokens.trained(), contextLength);
            offerSample(new OverContext(line, total, total - contextLength));
        }
    }

    /** Adds everything {@code other} counted; both must have the same context length and sample limit. */
    public void merge(TokenStats other) {
        if (other.contextLength != contextLength || other.sampleLimit != sampleLimit) {
            throw new IllegalArgumentException("cannot merge statistics for context " + other.contextLength + " (sample "
                    + other.sampleLimit + ") into context " + contextLength + " (sample " + sampleLimit + ")");
        }
        records += other.records;
        totalTokens += other.totalTokens;
        trainedTokens += other.trainedTokens;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        histogram.addAll(other.histogram);
        overRecords += other.overRecords;
        overTokens += other.overTokens;
        overTrainedTokens += other.overTrainedTokens;
        overTrainedWithinContext += other.overTrainedWithinContext;
        other.overSample.forEach(this::offerSample);
    }

    private void offerSample(OverContext record) {
        if (overSample.size() < sampleLimit) {
            overSample.add(record);
        } else if (sampleLimit > 0 && record.line() < overSample.peek().line()) {
            overSample.poll();
            overSample.add(record);
        }
    }

    public int contextLength() {
        return contextLength;
    }

    public long records() {
        return records;
    }

    public long totalTokens() {
        return totalTokens;
    }

    public long trainedTokens() {
        return trainedTokens;
    }

    /** Fewest tokens of a record; 0 when there are no records. */
    public int min() {
        return records == 0 ? 0 : min;
    }

    public int max() {
        return max;
    }

    public int p50() {
        return percentile(0.50);
    }

    public int p95() {
        return percentile(0.95);
    }

    /** Nearest-rank percentile, {@code 0 < p <= 1}; 0 when there are no records. */
    public int percentile(double p) {
        if (!(p > 0 && p <= 1)) {
            throw new IllegalArgumentException("percentile must be in (0, 1], got " + p);
        }
        if (records == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(p * records);
        long seen = 0;
        for (int b = 0; b < histogram.bucketCount(); b++) {
            seen += histogram.count(b);
            if (seen >= rank) {
                return Math.min(TokenHistogram.upperBound(b), max);
            }
        }
        return max;
    }

    /** Records per power-of-two range ([0], [1], [2, 3], [4, 7], ...), from the first non-empty range to the last. */
    public List<Bucket> histogram() {
        List<Bucket> out = new ArrayList<>();
        if (records == 0) {
            return out;
        }
        long[] perRange = new long[Integer.SIZE + 1];
        for (int b = 0; b < histogram.bucketCount(); b++) {
            perRange[rangeOf(TokenHistogram.lowerBound(b))] += histogram.count(b);
        }
        for (int r = rangeOf(min()); r <= rangeOf(max); r++) {
            int from = r == 0 ? 0 : 1 << (r - 1);
            int to = r == 0 ? 0 : (int) ((1L << r) - 1);
            out.add(new Bucket(from, to, perRange[r]));
        }
        return out;
    }

    /** 0 for the value 0, else 1 + floor(log2 value): [1] is range 1, [2, 3] range 2, ... */
    private static int rangeOf(int value) {
        return Integer.SIZE - Integer.numberOfLeadingZeros(value);
    }

    public long overContextRecords() {
        return overRecords;
    }

    /** Tokens beyond the context, summed over the records that are over it. */
    public long overContextExcessTokens() {
        return overTokens - overRecords * contextLength;
    }

    /** The first over-context records by line number (at most the sample limit), in line order. */
    public List<OverContext> overContextSample() {
        List<OverContext> sample = new ArrayList<>(overSample);
        sample.sort(Comparator.comparingLong(OverContext::line));
        return sample;
    }

    /** What the dataset trains and costs once {@code policy} is applied to the records over the context. */
    public Outcome outcome(OverContextPolicy policy) {
        return switch (policy) {
            case DROP -> new Outcome(policy, records - overRecords, totalTokens - overTokens, trainedTokens - overTrainedTokens, false);
            case TRUNCATE -> new Outcome(policy, records, totalTokens - overTokens + overRecords * contextLength,
                    trainedTokens - overTrainedTokens + overTrainedWithinContext, false);
            case FAIL -> new Outcome(policy, records, totalTokens, trainedTokens, overRecords > 0);
        };
    }
}
