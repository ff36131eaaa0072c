package dev.refinery.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.gateway.client.Upstream;
import dev.refinery.gateway.client.UpstreamAnswerException;
import dev.refinery.gateway.client.UpstreamCall;
import dev.refinery.gateway.client.UpstreamClient;
import dev.refinery.gateway.client.UpstreamResponse;
import dev.refinery.gateway.config.GatewayConfig;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;

/**
 * A dataset as the public API shows it: ingest-service's record, plus under {@code validation} the
 * validation report from validation-service when there is one. The dataset is the required part;
 * the report is not: while the dataset is not validated yet, or validation-service is unavailable
 * or slow, {@code validation} is null and the dataset is still answered.
 */
@ApplicationScoped
public class DatasetDetails {

    private static final Logger LOG = Logger.getLogger(DatasetDetails.class);

    @Inject
    UpstreamClient upstreams;

    @Inject
    GatewayConfig config;

    @Inject
    ObjectMapper json;

    /** The combined document; any unsuccessful answer of ingest-service goes to the caller unchanged. */
    public ObjectNode of(String datasetId) {
        UpstreamResponse dataset = upstreams.send(UpstreamCall.get(Upstream.INGEST, "/datasets/{}", datasetId));
        if (!dataset.ok()) {
            throw new UpstreamAnswerException(dataset);
        }
        JsonNode record = parse(dataset);
        if (!record.isObject()) {
            throw new ApiException(502, "UPSTREAM_FAILED", "Bad gateway", "ingest-service answered with something that is not a dataset")
                    .with("service", Upstream.INGEST.serviceName());
        }
        ObjectNode combined = (ObjectNode) record;
        combined.set("validation", validationReport(datasetId));
        return combined;
    }

    private JsonNode validationReport(String datasetId) {
        try (UpstreamResponse report = upstreams.send(UpstreamCall.get(Upstream.VALIDATION, "/reports/{}", datasetId),
                config.enrichmentTimeout())) {
            if (report.ok()) {
                return parse(report);
            }
            if (report.status() != 404) {
                LOG.warnf("validation-service answered %d for the report of %s; showing the dataset without it", report.status(), datasetId);
            }
            return NullNode.getInstance();
        } catch (ApiException e) {
            LOG.warnf("no validation report for %s: %s", datasetId, e.getMessage());
            return NullNode.getInstance();
        }
    }

    private JsonNode parse(UpstreamResponse response) {
        try {
            return json.readTree(response.readBody());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ApiException(502, "UPSTREAM_FAILED", "Bad gateway", response.upstream().serviceName()
                    + " answered with a body that is not JSON").with("service", response.upstream().serviceName());
        }
    }
}
