package dev.refinery.providers.spi;

/** A file the provider holds: its id there (Together file-…, OpenAI file-…, Fireworks accounts/…/datasets/…). */
public record UploadedFile(String provider, String id, String fileName, long bytes) {
}
