package dev.refinery.datasets.check;

import dev.refinery.datasets.format.RecordFormat;

/**
 * The statistics a user looks at before training, over the records that passed the shared rules:
 * formats, turns per record, role counts, empty and near-empty answers. Mergeable across blocks; its
 * size does not depend on the number of records.
 */
final class RecordStats {

    /** Answers with fewer visible characters than this count as near-empty. */
    static final int NEAR_EMPTY_CHARS = dev.refinery.datasets.format.RecordChecker.NEAR_EMPTY_CHARS;

    final long[] formats = new long[RecordFormat.values().length];
    final long[] roles = new long[4];
    long records;
    long turnsMin = Long.MAX_VALUE;
    long turnsMax;
    long turnsSum;
    long emptyAnswers;
    long nearEmptyAnswers;

    void add(RecordFormat format, int turns, int[] roleCounts, int shortestAnswer) {
        formats[format.ordinal()]++;
        records++;
        turnsMin = Math.min(turnsMin, turns);
        turnsMax = Math.max(turnsMax, turns);
        turnsSum += turns;
        for (int i = 0; i < roles.length; i++) {
            roles[i] += roleCounts[i];
        }
        if (shortestAnswer == 0) {
            emptyAnswers++;
        } else if (shortestAnswer > 0 && shortestAnswer < NEAR_EMPTY_CHARS) {
            nearEmptyAnswers++;
        }
    }

    void merge(RecordStats other) {
        for (int i = 0; i < formats.length; i++) {
            formats[i] += other.formats[i];
        }
        for (int i = 0; i < roles.length; i++) {
            roles[i] += other.roles[i];
        }
        records += other.records;
        turnsMin = Math.min(turnsMin, other.turnsMin);
        turnsMax = Math.max(turnsMax, other.turnsMax);
        turnsSum += other.turnsSum;
        emptyAnswers += other.emptyAnswers;
        nearEmptyAnswers += other.nearEmptyAnswers;
    }
}
