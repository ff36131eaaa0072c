package dev.refinery.providers.spec;

/** The file formats the hosted providers take for training data. */
public enum DatasetFormat {
    JSONL("jsonl"),
    PARQUET("parquet");

    private final String wireName;

    DatasetFormat(String wireName) {
        this.wireName = wireName;
    }

    /** The lower-case name the providers use ({@code file_type} on Together, the file extension elsewhere). */
    public String wireName() {
        return wireName;
    }
}
