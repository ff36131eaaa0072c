package dev.refinery.providers.spi;

import java.time.Instant;

/**
 * A saved checkpoint. {@code reference} is what the provider takes to continue from or serve it
 * (Together {@code ft-…:step}, OpenAI {@code ft:…:ckpt-step-N}); {@code kind} is the provider's word
 * ("Intermediate", "Final Adapter"…).
 */
public record ProviderCheckpoint(String reference, Long step, String kind, Instant createdAt) {
}
