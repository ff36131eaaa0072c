package dev.refinery.datasets.check;

import dev.refinery.datasets.format.RecordFormat;
import dev.refinery.datasets.read.Block;
import dev.refinery.datasets.rules.Finding;
import dev.refinery.datasets.rules.Rule;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks one record on its own (an example a producer sends) with exactly the rules a file check applies to each of its
 * lines: JSON, the format's rules, the checked target's rules and its model's context. It runs the file check's own
 * {@link BlockWorker} over a one-line block, so there is one validator, not two. What depends on other records
 * (duplicates, splits, a mixed-format file, sample counts) is the file check's, when the records become a dataset.
 * Not thread-safe: one per thread, or one per batch.
 */
public final class RecordCheck {

    private final CheckOptions options;
    private final BlockWorker worker;

    public RecordCheck(CheckOptions options) {
        this.options = options;
        this.worker = new BlockWorker(options);
    }

    /**
     * The verdict on one record, given as the bytes of one JSON value. Line breaks in it are whitespace between its tokens
     * (a raw one inside a string is not JSON, and the envelope it came in was refused before), so they are read as spaces:
     * the record becomes one JSONL line, the form it is stored and sealed in.
     */
    public Verdict check(byte[] record) {
        byte[] line = oneLine(record);
        // Ended by a newline like a file's complete line: an example cut short is not JSON, not a file cut off while written.
        byte[] block = java.util.Arrays.copyOf(line, line.length + 1);
        block[line.length] = '\n';
        BlockResult result = worker.check(new Block(0, block, block.length, true, -1));
        List<Finding> errors = new ArrayList<>();
        List<Finding> warnings = new ArrayList<>();
        for (LineFinding f : result.findings) {
            if (f.target() != null && f.target() != options.target()) {
                continue; // another target's verdict: not the one this record is checked for
            }
            (f.finding().isError() ? errors : warnings).add(f.finding());
        }
        if (result.records == 0) {
            // A blank record: the file check only warns of blank lines, but an example with nothing in it is no example.
            errors.add(Finding.of(Rule.EMPTY, "", "the example is empty"));
        }
        RecordFormat format = result.usable == 1 ? RecordFormat.ALL[result.format[0]] : null;
        return new Verdict(line, format, List.copyOf(errors), List.copyOf(warnings));
    }

    private static byte[] oneLine(byte[] record) {
        byte[] line = record.clone();
        for (int i = 0; i < line.length; i++) {
            if (line[i] == '\n' || line[i] == '\r') {
                line[i] = ' ';
            }
        }
        return line;
    }

    /**
     * @param line     the record as one JSONL line (what to store)
     * @param format   its format when it passed the shared rules, else null
     * @param errors   the findings that refuse it (shared rules and the checked target's); empty: accepted
     * @param warnings what is accepted but worth saying (unknown fields, an over-context record the policy drops...)
     */
    public record Verdict(byte[] line, RecordFormat format, List<Finding> errors, List<Finding> warnings) {

        public boolean accepted() {
            return errors.isEmpty();
        }
    }
}
