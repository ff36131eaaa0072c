package dev.refinery.inference.capture;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Per project: answers captured ({@code refinery_inference_captured_records_total}), captures lost to a full queue or a
 * failed write ({@code refinery_inference_capture_dropped_total}) and feedback received
 * ({@code refinery_inference_feedback_total}).
 */
@ApplicationScoped
public class CaptureMetrics {

    @Inject
    MeterRegistry registry;

    public void captured(String tenant) {
        Counter.builder("refinery_inference_captured_records").tag("tenant", tenant).register(registry).increment();
    }

    public void dropped(String tenant, String why) {
        Counter.builder("refinery_inference_capture_dropped").tag("tenant", tenant).tag("reason", why).register(registry).increment();
    }

    public void feedback(String tenant) {
        Counter.builder("refinery_inference_feedback").tag("tenant", tenant).register(registry).increment();
    }
}
