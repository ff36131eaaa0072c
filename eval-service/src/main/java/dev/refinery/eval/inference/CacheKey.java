package dev.refinery.eval.inference;

import dev.refinery.engine.chat.ChatMessage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The cache key of one answer: SHA-256 (hex) of a canonical JSON of everything that decides it (tenant, base URL,
 * model, the prompt's messages, the decoding). Canonical = fields in a fixed order, no whitespace, Jackson's string
 * escaping, numbers as Jackson writes a double; {@code "v"} changes whenever this layout does.
 *
 * <p>The tenant is part of the key although the answer does not depend on it: a cached answer must not let one
 * project read the outputs of another project's private model by naming it (its key might not even reach it).
 */
final class CacheKey {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LAYOUT_VERSION = 1;

    private CacheKey() {
    }

    static String canonicalJson(String tenant, Endpoint endpoint, List<ChatMessage> messages, Decoding decoding) {
        ObjectNode root = JSON.createObjectNode();
        root.put("v", LAYOUT_VERSION);
        root.put("tenant", tenant);
        root.put("baseUrl", endpoint.baseUrl().toString());
        root.put("model", endpoint.model());
        ArrayNode list = root.putArray("messages");
        for (ChatMessage message : messages) {
            list.addObject().put("role", message.role()).put("content", message.content());
        }
        ObjectNode settings = root.putObject("decoding");
        settings.put("temperature", decoding.temperature());
        settings.put("maxTokens", decoding.maxTokens());
        ArrayNode stop = settings.putArray("stop");
        decoding.stop().forEach(stop::add);
        return root.toString();
    }

    static String of(String tenant, Endpoint endpoint, List<ChatMessage> messages, Decoding decoding) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonicalJson(tenant, endpoint, messages, decoding).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
