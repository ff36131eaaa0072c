package dev.refinery.datasets.split;

/** The splits of a validated dataset, by file name. */
public enum Split {
    TRAIN("train"), VALIDATION("validation"), TEST("test");

    private final String id;

    Split(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
