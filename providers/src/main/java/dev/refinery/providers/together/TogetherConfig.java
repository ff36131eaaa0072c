package dev.refinery.providers.together;

import dev.refinery.providers.http.ApiKey;
import dev.refinery.providers.http.TransportSettings;

import java.net.URI;
import java.util.function.Supplier;

/**
 * Settings of the Together backend.
 *
 * @param uploadPath         which small-file upload to use: the documented multipart {@code POST /files/upload}
 *                           or the redirect + presigned PUT the v1 SDK uses
 * @param multipartThreshold files larger than this go through the S3-style multipart upload (the SDK's 5 GB)
 * @param partSize           target part size for it (the SDK's 250 MB; at most {@code maxParts} parts)
 */
public record TogetherConfig(TransportSettings transport, Supplier<ApiKey> apiKey, UploadPath uploadPath,
                             long multipartThreshold, long partSize, int maxParts) {

    public static final URI DEFAULT_BASE_URI = URI.create("https://api.together.xyz/v1");
    public static final long FIVE_GB = 5L * 1024 * 1024 * 1024;

    public enum UploadPath {
        DOCUMENTED_MULTIPART,
        REDIRECT
    }

    public static TogetherConfig of(TransportSettings transport, Supplier<ApiKey> apiKey) {
        return new TogetherConfig(transport, apiKey, UploadPath.DOCUMENTED_MULTIPART, FIVE_GB, 250L * 1024 * 1024, 250);
    }

    public TogetherConfig withUploadPath(UploadPath path) {
        return new TogetherConfig(transport, apiKey, path, multipartThreshold, partSize, maxParts);
    }

    public TogetherConfig withMultipart(long threshold, long partSize) {
        return new TogetherConfig(transport, apiKey, uploadPath, threshold, partSize, maxParts);
    }
}
