package dev.refinery.gateway.rest;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PublicPathsTest {

    @Test
    void servicePathsBecomePublicOnes() {
        assertEquals(Optional.of("/v1/datasets/ds-1"), PublicPaths.of("/datasets/ds-1"));
        assertEquals(Optional.of("/v1/fine-tunes/ft-1"), PublicPaths.of("http://training:8083/jobs/ft-1"));
        assertEquals(Optional.of("/v1/evals/ev-1/items?limit=5"), PublicPaths.of("/evals/ev-1/items?limit=5"));
    }

    @Test
    void locationsWithoutAPublicNameAreDropped() {
        assertEquals(Optional.empty(), PublicPaths.of("/reports/ds-1"));
        assertEquals(Optional.empty(), PublicPaths.of("http://ingest:8081/q/health"));
        assertEquals(Optional.empty(), PublicPaths.of("not a uri ^"));
    }
}
