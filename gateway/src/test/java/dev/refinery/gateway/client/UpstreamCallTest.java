package dev.refinery.gateway.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UpstreamCallTest {

    @Test
    void anIdCannotChangeThePath() {
        assertEquals("/jobs/..%2Fadmin", UpstreamCall.get(Upstream.TRAINING, "/jobs/{}", "../admin").pathAndQuery());
        assertEquals("/jobs/a%20b%3Fc/metrics", UpstreamCall.get(Upstream.TRAINING, "/jobs/{}/metrics", "a b?c").pathAndQuery());
    }

    @Test
    void dotSegmentsAreNotIds() {
        dev.refinery.kit.problem.ApiException e = assertThrows(dev.refinery.kit.problem.ApiException.class,
                () -> UpstreamCall.get(Upstream.TRAINING, "/jobs/{}", ".."));
        assertEquals(400, e.status());
    }

    @Test
    void theQueryStringPassesAsItCame() {
        assertEquals("/evals?jobId=ft-1&x=%20", UpstreamCall.get(Upstream.EVAL, "/evals").query("jobId=ft-1&x=%20").pathAndQuery());
        assertEquals("/evals", UpstreamCall.get(Upstream.EVAL, "/evals").query("").pathAndQuery());
    }

    @Test
    void segmentsMustMatchTheTemplate() {
        assertThrows(IllegalArgumentException.class, () -> UpstreamCall.get(Upstream.EVAL, "/evals/{}"));
    }
}
