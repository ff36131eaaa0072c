package dev.refinery.datasets.check;

import dev.refinery.datasets.format.ByteBuilder;
import dev.refinery.datasets.format.RecordFormat;
import dev.refinery.datasets.read.Block;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a worker found in one block, in line order, for the merger: findings with block-relative line
 * numbers, and for every record that passed the shared rules its fingerprints, format, the targets that
 * reject it, and where its normalized bytes are (the line itself, or a rewritten copy).
 */
final class BlockResult {

    final Block block;
    int lines;
    final List<LineFinding> findings = new ArrayList<>();
    int records;

    // Records that passed the shared rules ("usable"), in order.
    int usable;
    int[] lineIndex = new int[256];
    byte[] format = new byte[256];
    int[] rejectedBy = new int[256];
    /** The raw-file issues of the record, as {@link RawIssues} bits. */
    byte[] rawIssues = new byte[256];
    long[] exactFp = new long[256];
    long[] normalizedFp = new long[256];
    long[] promptFp = new long[256];
    /** Where the normalized bytes are: in the block (offset >= 0) or in {@link #rewritten} (offset encoded as -1 - offset). */
    int[] outOffset = new int[256];
    int[] outLength = new int[256];
    final ByteBuilder rewritten = new ByteBuilder();
    int[] tokens = new int[256];
    int[] trainedTokens = new int[256];
    boolean[] overContext = new boolean[256];

    final RecordStats stats = new RecordStats();
    long crlfLines;
    int firstCrlfLine = -1;

    BlockResult(Block block) {
        this.block = block;
    }

    int addUsable(int line, RecordFormat f) {
        if (usable == lineIndex.length) {
            int cap = usable * 2;
            lineIndex = Arrays.copyOf(lineIndex, cap);
            format = Arrays.copyOf(format, cap);
            rejectedBy = Arrays.copyOf(rejectedBy, cap);
            rawIssues = Arrays.copyOf(rawIssues, cap);
            exactFp = Arrays.copyOf(exactFp, cap);
            normalizedFp = Arrays.copyOf(normalizedFp, cap);
            promptFp = Arrays.copyOf(promptFp, cap);
            outOffset = Arrays.copyOf(outOffset, cap);
            outLength = Arrays.copyOf(outLength, cap);
            tokens = Arrays.copyOf(tokens, cap);
            trainedTokens = Arrays.copyOf(trainedTokens, cap);
            overContext = Arrays.copyOf(overContext, cap);
        }
        int r = usable++;
        lineIndex[r] = line;
        format[r] = (byte) f.ordinal();
        rejectedBy[r] = 0;
        rawIssues[r] = 0;
        outOffset[r] = 0;
        outLength[r] = 0;
        tokens[r] = -1;
        trainedTokens[r] = -1;
        overContext[r] = false;
        return r;
    }
}
