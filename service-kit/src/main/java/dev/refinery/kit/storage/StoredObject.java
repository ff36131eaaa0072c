package dev.refinery.kit.storage;

/**
 * What was written: where, how many bytes, and the content digest computed on the way through.
 *
 * @param bucket bucket name
 * @param key    object key
 * @param bytes  bytes stored
 * @param sha256 hex sha256 of the content (null when not computed)
 */
public record StoredObject(String bucket, String key, long bytes, String sha256) {
}
