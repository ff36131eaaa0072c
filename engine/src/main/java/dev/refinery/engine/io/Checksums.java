package dev.refinery.engine.io;

import dev.refinery.engine.EngineException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** File digests used to tie adapters and exports to the exact base model they came from. */
public final class Checksums {

    private static final int BUFFER_BYTES = 1 << 20;

    private Checksums() {
    }

    /** SHA-256 of a file as lowercase hex, read in chunks so that multi-gigabyte checkpoints fit in memory. */
    public static String sha256(Path file) {
        MessageDigest digest = sha256Digest();
        byte[] buffer = new byte[BUFFER_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        } catch (NoSuchFileException e) {
            throw new EngineException.InputError("cannot checksum " + file + ": it does not exist", e);
        } catch (IOException e) {
            throw new EngineException.InputError("cannot checksum " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** SHA-256 of bytes as lowercase hex. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256Digest().digest(bytes));
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
