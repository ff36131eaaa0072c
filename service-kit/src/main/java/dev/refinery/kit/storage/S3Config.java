package dev.refinery.kit.storage;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Object storage settings ({@code refinery.s3.*}, env {@code REFINERY_S3_*}). */
@ConfigMapping(prefix = "refinery.s3")
public interface S3Config {

    /** e.g. http://127.0.0.1:9000 (path-style addressing). */
    String endpoint();

    String accessKey();

    String secretKey();

    @WithDefault("refinery")
    String bucket();

    @WithDefault("us-east-1")
    String region();

    /** Size of each multipart-upload part when the length of a stream is unknown. */
    @WithDefault("10485760")
    long partSize();
}
