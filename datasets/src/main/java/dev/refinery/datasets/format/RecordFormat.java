package dev.refinery.datasets.format;

/** The record formats the providers accept, detected per record from its keys. */
public enum RecordFormat {
    /** {@code {"messages": [...]}}, optionally with {@code tools} and {@code parallel_tool_calls}. */
    CONVERSATION("conversation", "messages"),
    /** {@code {"prompt": "...", "completion": "..."}}. */
    INSTRUCTION("instruction", "prompt + completion"),
    /** {@code {"text": "..."}}. */
    TEXT("text", "text"),
    /** {@code {"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}}, or the chosen/rejected spelling. */
    PREFERENCE("preference", "input + preferred_output + non_preferred_output"),
    /** Pre-tokenized rows ({@code input_ids}, {@code attention_mask}, {@code labels}) from a Parquet file. */
    TOKENIZED("tokenized", "input_ids (Parquet)");

    /** Every constant, in order; {@code values()} copies its array on each call, and this is read per record. */
    public static final RecordFormat[] ALL = values();

    private final String id;
    private final String keys;

    RecordFormat(String id, String keys) {
        this.id = id;
        this.keys = keys;
    }

    /** The name reports use. */
    public String id() {
        return id;
    }

    /** The keys that mark the format, for messages. */
    public String keys() {
        return keys;
    }
}
