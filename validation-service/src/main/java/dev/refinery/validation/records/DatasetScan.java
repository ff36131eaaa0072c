package dev.refinery.validation.records;

import java.io.IOException;
import java.io.InputStream;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One streaming pass over a chat JSONL file: every non-blank line is validated, every problem is
 * counted (the first ones of each rule kept with line, path and message), and every valid line is handed,
 * byte for byte, to the sink of its split. Blank lines are neither records nor problems. Only one line
 * is in memory at a time, and never more than {@code maxLineBytes} of it.
 */
public final class DatasetScan {

    /** Receives each valid record's bytes (without the newline) with its split. */
    @FunctionalInterface
    public interface ValidRecordSink {
        void accept(Split split, byte[] line, int length) throws IOException;
    }

    /** Told after each line, e.g. to show the run is alive; may throw to abandon the pass. */
    @FunctionalInterface
    public interface Progress {
        void lineRead(long lineNumber);

        Progress NONE = line -> { };
    }

    private final ChatRecordValidator validator;
    private final SplitAssigner splits;
    private final int maxLineBytes;
    private final int samplesPerRule;

    public DatasetScan(ChatRecordValidator validator, SplitAssigner splits, int maxLineBytes, int samplesPerRule) {
        this.validator = validator;
        this.splits = splits;
        this.maxLineBytes = maxLineBytes;
        this.samplesPerRule = samplesPerRule;
    }

    public ScanResult run(InputStream raw, ValidRecordSink sink, Progress progress) throws IOException {
        LineReader reader = new LineReader(raw, maxLineBytes);
        ProblemTally problems = new ProblemTally(samplesPerRule);
        Map<Split, Long> splitRecords = new EnumMap<>(Split.class);
        long records = 0;
        long valid = 0;
        while (reader.next()) {
            long line = reader.number();
            progress.lineRead(line);
            List<RecordProblem> found;
            if (reader.tooLong()) {
                records++;
                found = List.of(new RecordProblem(Rule.LINE_TOO_LONG, "",
                        "the line has " + reader.length() + " bytes, more than the limit of " + maxLineBytes));
            } else if (isBlank(reader.bytes(), (int) reader.length())) {
                continue;
            } else {
                records++;
                found = validator.validate(reader.bytes(), 0, (int) reader.length());
            }
            if (found.isEmpty()) {
                valid++;
                Split split = splits.assign(reader.bytes(), 0, (int) reader.length());
                splitRecords.merge(split, 1L, Long::sum);
                sink.accept(split, reader.bytes(), (int) reader.length());
            } else {
                found.forEach(p -> problems.add(LineProblem.at(line, p)));
            }
        }
        if (records == 0) {
            problems.add(LineProblem.ofDataset(Rule.DATASET_EMPTY, "the file has no records (" + reader.number() + " lines, all blank)"));
        } else if (valid > 0 && valid == records && splitRecords.getOrDefault(Split.TRAIN, 0L) == 0) {
            problems.add(LineProblem.ofDataset(Rule.TRAIN_SPLIT_EMPTY,
                    "none of the " + valid + " valid records falls into the train split"));
        }
        return new ScanResult(reader.number(), records, valid, records - valid, problems.total(), problems.counts(),
                problems.samples(), splitRecords);
    }

    private static boolean isBlank(byte[] line, int length) {
        for (int i = 0; i < length; i++) {
            byte b = line[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\f' && b != 0x0B) {
                return false;
            }
        }
        return true;
    }
}
