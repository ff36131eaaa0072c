package dev.refinery.datasets.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Eight bytes at a time: finds the first byte of a word that needs a closer look (a quote, a backslash,
 * a control character or a non-ASCII byte inside a JSON string; a newline between lines). The scalar
 * loops only ever see the interesting bytes; the validator spends most of its time here.
 */
public final class Swar {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    private Swar() {
    }

    /** Index of the first byte in [from, to) that ends the plain run of a JSON string, or {@code to}. */
    public static int plainStringRun(byte[] src, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long w = (long) LONGS.get(src, i);
            long special = (w & HIGHS)                               // non-ASCII
                    | ((w - 0x2020202020202020L) & ~w & HIGHS)         // below 0x20
                    | zeroBytes(w ^ 0x2222222222222222L)               // '"'
                    | zeroBytes(w ^ 0x5C5C5C5C5C5C5C5CL);              // '\\'
            if (special != 0) {
                return i + (Long.numberOfTrailingZeros(special) >>> 3);
            }
            i += 8;
        }
        while (i < to) {
            byte b = src[i];
            if (b < 0x20 || b == '"' || b == '\\') {
                return i;
            }
            i++;
        }
        return to;
    }

    /** Index of the first '\n' in [from, to), or {@code to}. */
    public static int indexOfNewline(byte[] src, int from, int to) {
        int i = from;
        while (i + 8 <= to) {
            long hit = zeroBytes((long) LONGS.get(src, i) ^ 0x0A0A0A0A0A0A0A0AL);
            if (hit != 0) {
                return i + (Long.numberOfTrailingZeros(hit) >>> 3);
            }
            i += 8;
        }
        while (i < to) {
            if (src[i] == '\n') {
                return i;
            }
            i++;
        }
        return to;
    }

    /**
     * A high bit set in each byte of {@code v} that is zero. Exact for the lowest such byte (the borrow
     * can only mark bytes above a true zero), which is the only one the callers use.
     */
    private static long zeroBytes(long v) {
        return (v - ONES) & ~v & HIGHS;
    }
}
