package dev.refinery.localstack;

import java.security.SecureRandom;

/** Random secrets for one stack: the identity signing key and a bootstrap admin API key. */
final class Secrets {

    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Secrets() {
    }

    static String randomToken(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    /** In the gateway's key format, {@code rfy_<8-character prefix>_<32-character secret>}. */
    static String apiKey() {
        return "rfy_" + randomToken(8) + "_" + randomToken(32);
    }
}
