package dev.refinery.datasets.format;

/**
 * The JSON path of one message, e.g. {@code messages[2]}, built into a string only when a problem needs
 * it: most messages have none, and building the path of every message cost more than checking it.
 */
record MessagePath(String list, int index) {

    @Override
    public String toString() {
        return list + "[" + index + "]";
    }
}
