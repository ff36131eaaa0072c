package dev.refinery.datasets.targets;

import java.util.Set;

/** A provider's own client-side check of a file, and which of the raw-file issues it refuses. */
public record ProviderCheck(String name, Set<RawFileIssue> refuses) {

    /**
     * Together's {@code check_file} in together-py, run by {@code together files check} and by uploads with
     * {@code check=True}: it reads the file in Python's text mode and json.loads every line, and allows only
     * the format's keys (plus {@code tools} for conversations).
     */
    static final ProviderCheck TOGETHER = new ProviderCheck("together files check (check_file in together-py)", Set.of(RawFileIssue.values()));

    /** The data-prep script of OpenAI's fine-tuning cookbook: json.loads on every line of the file read as text. */
    static final ProviderCheck OPENAI = new ProviderCheck("the data-prep script of OpenAI's fine-tuning cookbook",
            Set.of(RawFileIssue.BLANK_LINE, RawFileIssue.BYTE_ORDER_MARK, RawFileIssue.CARRIAGE_RETURN));
}
