package dev.refinery.datasets.read;

/**
 * A run of whole lines read from the file, in order. {@code data[0, length)} holds the lines; every line
 * but possibly the file's last ends with a newline. An oversize marker instead stands for one line longer
 * than the limit, whose bytes were skipped without being kept.
 */
public record Block(long sequence, byte[] data, int length, boolean lastOfFile, long oversizeLineBytes) {

    public boolean isOversizeMarker() {
        return oversizeLineBytes >= 0;
    }
}
