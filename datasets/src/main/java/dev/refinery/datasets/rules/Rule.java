package dev.refinery.datasets.rules;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every rule the validator checks, with its stable code (what reports, the API, metrics and scripts key
 * on: never renamed), its severity and a fix hint for the person who has to repair the file. Codes keep
 * the DATASET_ prefix of the first validator so that existing reports stay comparable.
 */
public enum Rule {

    // The file as a whole.
    EMPTY("DATASET_EMPTY", Severity.ERROR, "The file has no records: upload JSONL with one record per line."),
    UNREADABLE("DATASET_UNREADABLE", Severity.ERROR, "The file could not be read; upload it again."),
    GZIP_CORRUPT("DATASET_GZIP_CORRUPT", Severity.ERROR, "The gzip stream is damaged; compress the file again (gzip -k FILE) or upload it uncompressed."),
    GZIP_BOMB("DATASET_GZIP_BOMB", Severity.ERROR,
            "The file expands far beyond what a dataset of its compressed size can hold; upload the uncompressed JSONL or raise the decompression limits."),
    GZIP_TOO_LARGE("DATASET_GZIP_TOO_LARGE", Severity.ERROR,
            "Uncompressed, the file is larger than a dataset may be; split it into several datasets (or ask the operator to raise the limit on a gzip's expanded size)."),
    BYTE_ORDER_MARK("DATASET_BYTE_ORDER_MARK", Severity.WARNING,
            "The file starts with a byte-order mark, which many JSON readers reject; it is removed from the validated output. Save as UTF-8 without BOM."),
    CRLF_LINE_ENDINGS("DATASET_CRLF_LINE_ENDINGS", Severity.WARNING,
            "Lines end with CR LF (Windows); the validated output uses LF. Nothing to do unless another tool reads the raw file."),
    CARRIAGE_RETURN("DATASET_CARRIAGE_RETURN", Severity.WARNING,
            "A carriage return (CR) stands between the record's JSON tokens; JSON reads it as a space, but readers that split lines at CR (Python's text mode, Together's check) cut the record there. The validated output leaves it out."),
    BLANK_LINE("DATASET_BLANK_LINE", Severity.WARNING, "Blank lines are skipped and left out of the validated output; remove them to keep line numbers meaningful."),
    TOO_FEW_RECORDS("DATASET_TOO_FEW_RECORDS", Severity.ERROR, "Add records: the target needs at least the stated number of examples."),
    TOO_MANY_RECORDS("DATASET_TOO_MANY_RECORDS", Severity.ERROR, "Split the dataset: the target accepts at most the stated number of examples."),
    FORMAT_MIXED("DATASET_FORMAT_MIXED", Severity.ERROR,
            "Use one format for the whole file (the first record's format is the file's); convert or remove the records of other formats."),
    TRAIN_SPLIT_EMPTY("DATASET_TRAIN_SPLIT_EMPTY", Severity.ERROR,
            "Over 32 MiB of records and none in the train share: give train a larger share of the split ratios."),
    HELD_OUT_SKIPPED("DATASET_HELD_OUT_SKIPPED", Severity.WARNING,
            "The file is too small to hold records out, so every record is in train and there is no validation (or test) split; add records, or ask for 100/0 splits to silence this."),

    // One line as text and JSON.
    LINE_TOO_LONG("DATASET_LINE_TOO_LONG", Severity.ERROR,
            "Put one record per line and check that newlines separate records; split or shorten very long records, or raise the line limit."),
    LINE_NOT_UTF8("DATASET_LINE_NOT_UTF8", Severity.ERROR, "Save the file as UTF-8 (no other encoding); re-export it from the tool that produced it."),
    LINE_NOT_JSON("DATASET_LINE_NOT_JSON", Severity.ERROR,
            "Each line must be one complete JSON object; check for unescaped quotes, trailing commas or a record spread over several lines."),
    LINE_TRUNCATED("DATASET_LINE_TRUNCATED", Severity.ERROR,
            "The last line stops in the middle of a record: the file was cut off while being written or copied; export it again."),
    DUPLICATE_KEY("DATASET_DUPLICATE_KEY", Severity.ERROR, "Keep exactly one of the repeated keys; readers disagree on which value wins."),
    TOO_DEEP("DATASET_TOO_DEEP", Severity.ERROR, "Flatten the record: its arrays and objects nest deeper than the configured limit."),
    LONE_SURROGATE("DATASET_LONE_SURROGATE", Severity.ERROR,
            "Fix the text's encoding: a \\uD800-\\uDFFF escape is half of a character; write the pair (e.g. \\uD83D\\uDE00) or the character itself."),
    LINE_NOT_OBJECT("DATASET_LINE_NOT_OBJECT", Severity.ERROR,
            "Each line must be a JSON object such as {\"messages\": [...]}, not an array, string, number or null."),

    // Formats.
    FORMAT_UNKNOWN("DATASET_FORMAT_UNKNOWN", Severity.ERROR,
            "Give the record one of the formats: {\"messages\": [...]}, {\"prompt\", \"completion\"}, {\"text\"}, or preference data {\"input\", \"preferred_output\", \"non_preferred_output\"}."),
    FORMAT_AMBIGUOUS("DATASET_FORMAT_AMBIGUOUS", Severity.ERROR, "Keep the keys of exactly one format in each record."),
    UNKNOWN_FIELD("DATASET_UNKNOWN_FIELD", Severity.WARNING,
            "Fields the format does not use are removed from the validated output (providers reject some); drop them at the source to silence this."),
    FIELD_INVALID("DATASET_FIELD_INVALID", Severity.ERROR, "Give the field the type the format requires (see the message)."),

    // Conversations.
    MESSAGES_MISSING("DATASET_MESSAGES_MISSING", Severity.ERROR,
            "Add a \"messages\" array: {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}, {\"role\": \"assistant\", \"content\": \"...\"}]}."),
    MESSAGES_EMPTY("DATASET_MESSAGES_EMPTY", Severity.ERROR, "Give \"messages\" at least a user turn and an assistant turn, or remove the record."),
    MESSAGE_NOT_OBJECT("DATASET_MESSAGE_NOT_OBJECT", Severity.ERROR, "Each message must be an object with \"role\" and \"content\"."),
    ROLE_UNKNOWN("DATASET_ROLE_UNKNOWN", Severity.ERROR,
            "Use one of the roles \"system\", \"user\", \"assistant\" or \"tool\" (lower case), as the target allows."),
    ROLE_NOT_ALLOWED("DATASET_ROLE_NOT_ALLOWED", Severity.ERROR, "The target does not accept this role; rewrite the turn or choose another target."),
    CONTENT_NOT_STRING("DATASET_CONTENT_NOT_STRING", Severity.ERROR,
            "Give every message a \"content\" string (\"\" for an empty one) or a list of {\"type\": \"text\", \"text\": ...} parts."),
    CONTENT_PART_INVALID("DATASET_CONTENT_PART_INVALID", Severity.ERROR,
            "Each content part must be {\"type\": \"text\", \"text\": \"...\"} or {\"type\": \"image_url\", \"image_url\": {\"url\": \"data:image/png;base64,...\"}}."),
    CONTENT_EMPTY("DATASET_CONTENT_EMPTY", Severity.ERROR,
            "Give the content at least one part, or write it as a string (\"\" for a deliberately empty turn)."),
    CONTENT_MIXED("DATASET_CONTENT_MIXED", Severity.ERROR, "Within one record, write all contents as strings or all as lists of parts."),
    ROLE_ORDER("DATASET_ROLE_ORDER", Severity.ERROR,
            "Order turns as: an optional \"system\" message first, then \"user\" and \"assistant\" alternating, starting with \"user\" (tool results follow the assistant's tool call)."),
    NO_ASSISTANT_TURN("DATASET_NO_ASSISTANT_TURN", Severity.ERROR, "Add at least one \"assistant\" message: the model learns from the assistant's replies."),
    WEIGHT_INVALID("DATASET_WEIGHT_INVALID", Severity.ERROR, "\"weight\" must be the integer 0 or 1, on assistant messages only."),
    TOOL_CALL_INVALID("DATASET_TOOL_CALL_INVALID", Severity.ERROR,
            "Tool calls are [{\"id\": ..., \"type\": \"function\", \"function\": {\"name\": ..., \"arguments\": \"<JSON string>\"}}] on assistant messages; tool results need \"tool_call_id\"."),
    TOOLS_INVALID("DATASET_TOOLS_INVALID", Severity.ERROR, "\"tools\" must be an array of {\"type\": \"function\", \"function\": {\"name\": ..., \"parameters\": {...}}}."),
    TOOLS_NOT_ALLOWED("DATASET_TOOLS_NOT_ALLOWED", Severity.ERROR, "The target does not accept tool calls; remove them or choose another target."),
    IMAGE_INVALID("DATASET_IMAGE_INVALID", Severity.ERROR,
            "Images go in user messages as data:image/(jpeg|png|webp);base64 URLs, under 10 MB each, at most 10 per record, in messages of weight 0."),
    IMAGES_NOT_ALLOWED("DATASET_IMAGES_NOT_ALLOWED", Severity.ERROR, "The target does not accept images; remove the image parts or choose another target."),
    EMPTY_ANSWER("DATASET_EMPTY_ANSWER", Severity.WARNING, "An assistant answer is empty or nearly so; the model learns to say nothing. Fill it in or remove the record."),

    // Preference data.
    PREFERENCE_INVALID("DATASET_PREFERENCE_INVALID", Severity.ERROR,
            "Preference records are {\"input\": {\"messages\": [...]}, \"preferred_output\": [{\"role\": \"assistant\", \"content\": ...}], \"non_preferred_output\": [...]}: exactly one assistant message per output, and the input must not end with an assistant turn."),
    METHOD_NOT_SUPPORTED("DATASET_METHOD_NOT_SUPPORTED", Severity.ERROR, "The target cannot train on this format; choose a target that supports it."),

    // Pre-tokenized Parquet.
    PARQUET_INVALID("DATASET_PARQUET_INVALID", Severity.ERROR,
            "Pre-tokenized Parquet needs an \"input_ids\" list column and allows only \"attention_mask\" and \"labels\" besides it."),

    // Across records.
    DUPLICATE_RECORD("DATASET_DUPLICATE_RECORD", Severity.WARNING, "The same record appears more than once; duplicates over-weight it in training. Remove them (or ask for dedup)."),
    NEAR_DUPLICATE_RECORD("DATASET_NEAR_DUPLICATE_RECORD", Severity.WARNING,
            "The record equals an earlier one except for case or whitespace; remove one of them (or ask for dedup)."),
    DUPLICATE_OF_EARLIER_VERSION("DATASET_DUPLICATE_OF_EARLIER_VERSION", Severity.WARNING,
            "The record is already in an earlier version of this dataset; fine when the new version repeats the old one, worth a look otherwise."),
    HELD_OUT_LEAK("DATASET_HELD_OUT_LEAK", Severity.WARNING,
            "A training record (or its prompt) equals a held-out record, so the evaluation would measure memory, not skill; remove it (or ask for dedup)."),
    OVER_CONTEXT("DATASET_OVER_CONTEXT", Severity.ERROR,
            "The record has more tokens than the model's context; shorten it, or choose the drop or truncate policy explicitly.");

    private final String code;
    private final Severity severity;
    private final String hint;

    Rule(String code, Severity severity, String hint) {
        this.code = code;
        this.severity = severity;
        this.hint = hint;
    }

    public String code() {
        return code;
    }

    public Severity severity() {
        return severity;
    }

    public String hint() {
        return hint;
    }

    public static Optional<Rule> byCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }
}
