package dev.refinery.datasets.dedup;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The normalized record fingerprints of earlier versions of the same dataset, for the cross-version
 * duplicate check. Each version's fingerprints are stored as a sorted array of longs (8 bytes a record,
 * written by {@link #write}); lookups are binary searches.
 */
public final class EarlierVersions {

    public static final EarlierVersions NONE = new EarlierVersions();

    private final List<String> names = new ArrayList<>();
    private final List<long[]> fingerprints = new ArrayList<>();

    /** Adds a version from its fingerprint file. */
    public EarlierVersions add(String version, InputStream sortedFingerprints) throws IOException {
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(sortedFingerprints));
        int n = in.readInt();
        long[] fps = new long[n];
        for (int i = 0; i < n; i++) {
            fps[i] = in.readLong();
        }
        names.add(version);
        fingerprints.add(fps);
        return this;
    }

    /** The earliest version holding a record with this normalized fingerprint, or null. */
    public String versionHolding(long fingerprint) {
        long key = fingerprint == 0 ? 1 : fingerprint;
        for (int v = 0; v < fingerprints.size(); v++) {
            if (Arrays.binarySearch(fingerprints.get(v), key) >= 0) {
                return names.get(v);
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public List<String> versions() {
        return List.copyOf(names);
    }

    /** Writes sorted fingerprints in the format {@link #add} reads. */
    public static void write(long[] sorted, OutputStream out) throws IOException {
        DataOutputStream data = new DataOutputStream(new java.io.BufferedOutputStream(out));
        data.writeInt(sorted.length);
        for (long f : sorted) {
            data.writeLong(f);
        }
        data.flush();
    }
}
