package dev.refinery.gateway.client;

import dev.refinery.gateway.config.GatewayConfig;

import java.util.function.Function;

/** The services behind the gateway, each with the setting that says where it runs. */
public enum Upstream {
    INGEST("ingest-service", GatewayConfig::ingestUrl),
    VALIDATION("validation-service", GatewayConfig::validationUrl),
    TRAINING("training-service", GatewayConfig::trainingUrl),
    EVAL("eval-service", GatewayConfig::evalUrl),
    INFERENCE("inference-service", GatewayConfig::inferenceUrl);

    private final String serviceName;
    private final Function<GatewayConfig, String> baseUrl;

    Upstream(String serviceName, Function<GatewayConfig, String> baseUrl) {
        this.serviceName = serviceName;
        this.baseUrl = baseUrl;
    }

    /** The name clients see in problems and metrics, e.g. {@code ingest-service}. */
    public String serviceName() {
        return serviceName;
    }

    /** The configured base URL without a trailing slash. */
    public String baseUrl(GatewayConfig config) {
        String url = baseUrl.apply(config).strip();
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
