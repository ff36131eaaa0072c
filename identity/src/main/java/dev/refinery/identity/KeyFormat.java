package dev.refinery.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The shape of a Refinery API key, shared by the gateway that checks keys and the local stack that makes the first one: {@code rfy_<8 characters>_<32 characters>}, letters and digits. The first part
 * ({@code rfy_} and 8 characters) is the visible prefix that names the key in lists and the audit log; the
 * 32 secret characters carry 190 random bits, so a SHA-256 of the whole key is a safe thing to store.
 */
public final class KeyFormat {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final Pattern KEY = Pattern.compile("^(rfy_[A-Za-z0-9]{8})_[A-Za-z0-9]{32}$");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Anything longer is not a key of ours and is refused before it is looked at further. */
    public static final int MAX_LENGTH = 45;

    private KeyFormat() {
    }

    public static String generate() {
        return "rfy_" + randomAlphanumeric(8) + "_" + randomAlphanumeric(32);
    }

    /** The visible prefix of a well-formed key, or empty for anything else. */
    public static Optional<String> prefixOf(String key) {
        if (key == null || key.length() != MAX_LENGTH) {
            return Optional.empty();
        }
        var m = KEY.matcher(key);
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time, so the time an answer takes says nothing about how much of a guessed key was right. */
    public static boolean matches(String key, byte[] storedHash) {
        return MessageDigest.isEqual(hash(key), storedHash);
    }

    /** {@code length} random letters and digits ({@link SecureRandom}): for keys, and for secrets such as a signing key. */
    public static String randomAlphanumeric(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }
}
