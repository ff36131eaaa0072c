package dev.refinery.gateway.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Standard Webhooks signature scheme: a secret is {@code whsec_} and the base64 of random bytes; a message is signed
 * with HMAC-SHA256, keyed by the secret's decoded bytes, over {@code <webhook-id>.<webhook-timestamp>.<body>}; the
 * {@code webhook-signature} header is {@code v1,<base64 signature>}, one per secret, separated by spaces.
 */
public final class WebhookSignature {

    public static final String SECRET_PREFIX = "whsec_";
    /** 256 bits: more than the 24 bytes the scheme asks for at least. */
    private static final int SECRET_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignature() {
    }

    public static String newSecret() {
        byte[] bytes = new byte[SECRET_BYTES];
        RANDOM.nextBytes(bytes);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(bytes);
    }

    /** The {@code webhook-signature} header value: a {@code v1,} entry per secret. */
    public static String header(List<String> secrets, String messageId, long timestamp, String body) {
        return secrets.stream().map(s -> "v1," + sign(s, messageId, timestamp, body)).collect(Collectors.joining(" "));
    }

    static String sign(String secret, String messageId, long timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(keyBytes(secret), "HmacSHA256"));
            byte[] signature = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    private static byte[] keyBytes(String secret) {
        if (!secret.startsWith(SECRET_PREFIX)) {
            // Never the secret itself in a message: this one may end up in a log.
            throw new IllegalStateException("a webhook secret must start with " + SECRET_PREFIX);
        }
        return Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
    }
}
