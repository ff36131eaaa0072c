package dev.refinery.training.service;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The drift rule: a fall of more than the margin below the promotion score, and nothing less. */
class DriftRuleTest {

    @Test
    void onlyAFallOfMoreThanTheMarginIsDrift() {
        assertTrue(PipelineDrift.drifted(0.75, 0.60, 0.10));
        assertFalse(PipelineDrift.drifted(0.75, 0.66, 0.10), "within the margin");
        assertFalse(PipelineDrift.drifted(0.75, 0.65, 0.10), "exactly at the floor is not below it");
        assertFalse(PipelineDrift.drifted(0.75, 0.90, 0.0), "better than at promotion");
        assertTrue(PipelineDrift.drifted(0.75, 0.74, 0.0), "margin 0: any fall");
    }
}
