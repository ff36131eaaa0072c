package dev.refinery.providers.spi;

/** Why a provider job failed, in the provider's words. */
public record JobError(String code, String message, String param) {
}
