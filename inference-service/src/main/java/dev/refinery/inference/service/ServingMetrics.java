package dev.refinery.inference.service;

import dev.refinery.engine.serve.ServingEngine;
import dev.refinery.engine.serve.ServingResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What serving exports, per model (a version's id or a base model's): requests by outcome, tokens in and out, time to first
 * token, tokens per second of each answer; and per engine (a base model, or a whole fine-tuned model): queue depth, running
 * sequences, adapters loaded and their bytes.
 */
@ApplicationScoped
public class ServingMetrics {

    @Inject
    MeterRegistry registry;

    private final Map<String, List<Meter>> engineGauges = new ConcurrentHashMap<>();

    public void finished(String model, ServingResult r) {
        Counter.builder("refinery_inference_requests").tag("model", model).tag("finish", r.finish().name().toLowerCase())
                .register(registry).increment();
        Counter.builder("refinery_inference_tokens").tag("model", model).tag("kind", "prompt").register(registry).increment(r.promptTokens());
        Counter.builder("refinery_inference_tokens").tag("model", model).tag("kind", "completion").register(registry)
                .increment(r.completionTokens());
        if (r.timeToFirstToken() != null) {
            Timer.builder("refinery_inference_time_to_first_token").tag("model", model).publishPercentiles(0.5, 0.99).register(registry)
                    .record(r.timeToFirstToken());
        }
        double seconds = r.duration().toNanos() / 1e9;
        if (r.completionTokens() > 0 && seconds > 0) {
            DistributionSummary.builder("refinery_inference_tokens_per_second").tag("model", model).register(registry)
                    .record(r.completionTokens() / seconds);
        }
    }

    /** A request refused before it was queued (busy, too long, unservable), by the error code it got. */
    public void refused(String model, String code) {
        Counter.builder("refinery_inference_refused").tag("model", model).tag("code", code).register(registry).increment();
    }

    /** A request answered by an operator's inference server. */
    public void proxied(String model, String server) {
        Counter.builder("refinery_inference_proxied_requests").tag("model", model).tag("server", server).register(registry).increment();
    }

    public void engineStarted(String servedModel, ServingEngine engine) {
        List<Meter> meters = List.of(
                Gauge.builder("refinery_inference_queue_depth", engine, ServingEngine::queueDepth).tag("engine", servedModel).register(registry),
                Gauge.builder("refinery_inference_active_sequences", engine, ServingEngine::activeSequences).tag("engine", servedModel)
                        .register(registry),
                Gauge.builder("refinery_inference_adapters_loaded", engine, ServingEngine::adaptersLoaded).tag("engine", servedModel)
                        .register(registry),
                Gauge.builder("refinery_inference_adapter_bytes", engine, ServingEngine::adapterBytes).tag("engine", servedModel)
                        .register(registry));
        engineGauges.put(servedModel, meters);
    }

    /** An engine closed: its gauges go with it (a later engine for the same model registers its own). */
    public void engineClosed(String servedModel) {
        List<Meter> meters = engineGauges.remove(servedModel);
        if (meters != null) {
            meters.forEach(registry::remove);
        }
    }
}
