package dev.refinery.engine.io;

import java.util.Optional;

/**
 * Element types that the safetensors format defines. All are recognised so that a header can be
 * validated byte for byte; only the floating-point types the engine computes with can be read.
 */
public enum SafeTensorsDtype {
    F32(4, true),
    F16(2, true),
    BF16(2, true),
    F64(8, false),
    I64(8, false),
    I32(4, false),
    I16(2, false),
    I8(1, false),
    U64(8, false),
    U32(4, false),
    U16(2, false),
    U8(1, false),
    BOOL(1, false),
    F8_E4M3(1, false),
    F8_E5M2(1, false);

    private final int byteSize;
    private final boolean readable;

    SafeTensorsDtype(int byteSize, boolean readable) {
        this.byteSize = byteSize;
        this.readable = readable;
    }

    public int byteSize() {
        return byteSize;
    }

    /** Whether the engine can convert tensors of this type to float32. */
    public boolean readable() {
        return readable;
    }

    /** The dtype for a header's spelling, e.g. "BF16"; empty when the format does not define it. */
    public static Optional<SafeTensorsDtype> fromHeader(String name) {
        for (SafeTensorsDtype d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
