package dev.refinery.datasets.check;

import dev.refinery.datasets.split.Split;

import java.io.IOException;

/**
 * Where the validated records go, in file order: each kept record's normalized bytes with its split
 * (the clean subset is the union of the splits). The default writes nothing (a check that only reports).
 */
public interface CheckOutputs {

    CheckOutputs NONE = (split, bytes, offset, length) -> { };

    void record(Split split, byte[] bytes, int offset, int length) throws IOException;
}
