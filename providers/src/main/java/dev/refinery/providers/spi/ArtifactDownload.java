package dev.refinery.providers.spi;

/** What a download wrote: the archive kind the provider sent and how many bytes. */
public record ArtifactDownload(String fileExtension, String contentType, long bytes) {
}
