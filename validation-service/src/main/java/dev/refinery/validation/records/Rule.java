package dev.refinery.validation.records;

import java.util.Arrays;
import java.util.Optional;

/**
 * The rules a chat JSONL dataset is checked against. Each has a stable code (what reports, the API and
 * metrics show) and a fix hint written for the person who has to repair the file.
 */
public enum Rule {

    LINE_NOT_UTF8("DATASET_LINE_NOT_UTF8",
            "Save the file as UTF-8 (no other encoding); re-export it from the tool that produced it."),
    LINE_TOO_LONG("DATASET_LINE_TOO_LONG",
            "Put one record per line and check that newlines separate records; split or shorten very long conversations."),
    LINE_NOT_JSON("DATASET_LINE_NOT_JSON",
            "Each line must be one complete JSON object; check for unescaped quotes, trailing commas or a record spread over several lines."),
    LINE_NOT_OBJECT("DATASET_LINE_NOT_OBJECT",
            "Each line must be a JSON object such as {\"messages\": [...]}, not an array, string or number."),
    MESSAGES_MISSING("DATASET_MESSAGES_MISSING",
            "Add a \"messages\" array: {\"messages\": [{\"role\": \"user\", \"content\": \"...\"}, {\"role\": \"assistant\", \"content\": \"...\"}]}."),
    MESSAGES_EMPTY("DATASET_MESSAGES_EMPTY",
            "Give \"messages\" at least a user turn and an assistant turn, or remove the record."),
    MESSAGE_NOT_OBJECT("DATASET_MESSAGE_NOT_OBJECT",
            "Each message must be an object with \"role\" and \"content\"."),
    ROLE_UNKNOWN("DATASET_ROLE_UNKNOWN",
            "Use one of the roles \"system\", \"user\" or \"assistant\" (lower case)."),
    CONTENT_NOT_STRING("DATASET_CONTENT_NOT_STRING",
            "Give every message a \"content\" string (use \"\" for an empty message)."),
    ROLE_ORDER("DATASET_ROLE_ORDER",
            "Order turns as: an optional \"system\" message first, then \"user\" and \"assistant\" alternating, starting with \"user\"."),
    NO_ASSISTANT_TURN("DATASET_NO_ASSISTANT_TURN",
            "Add at least one \"assistant\" message: the model learns from the assistant's replies."),
    DATASET_EMPTY("DATASET_EMPTY",
            "The file has no records: upload JSONL with one conversation per line."),
    TRAIN_SPLIT_EMPTY("DATASET_TRAIN_SPLIT_EMPTY",
            "All valid records fell into the validation and test splits; add more records (a few dozen at least)."),
    DATASET_UNREADABLE("DATASET_UNREADABLE",
            "The dataset's file could not be read from object storage; upload it again.");

    private final String code;
    private final String hint;

    Rule(String code, String hint) {
        this.code = code;
        this.hint = hint;
    }

    public String code() {
        return code;
    }

    public String hint() {
        return hint;
    }

    /** True for rules about the dataset as a whole rather than one line (their problems have no line number). */
    public boolean datasetLevel() {
        return this == DATASET_EMPTY || this == TRAIN_SPLIT_EMPTY || this == DATASET_UNREADABLE;
    }

    public static Optional<Rule> byCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
    }
}
