package dev.refinery.engine.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LrScheduleTest {

    @Test
    void linearWarmupThenLinearDecayToTheFloor() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.LINEAR, 1.0, 10, 0.2, 0.1, 0.5);
        assertEquals(2, s.warmupSteps());
        assertEquals(0.5, s.at(1), 1e-12);
        assertEquals(1.0, s.at(2), 1e-12);
        assertEquals(0.1 + 0.9 * (1 - 4.0 / 8), s.at(6), 1e-12);
        assertEquals(0.1, s.at(10), 1e-12);
    }

    @Test
    void cosineHalfCycleGoesFromPeakToFloor() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.COSINE, 2.0, 100, 0.0, 0.0, 0.5);
        assertEquals(2.0, s.at(0), 1e-12);
        assertEquals(1.0, s.at(50), 1e-9);
        assertEquals(0.0, s.at(100), 1e-9);
    }

    @Test
    void constantStaysAtThePeakAfterWarmup() {
        LrSchedule s = new LrSchedule(LrSchedule.Kind.CONSTANT, 3.0, 10, 0.1, 0.0, 0.5);
        assertEquals(3.0, s.at(1), 1e-12);
        assertEquals(3.0, s.at(9), 1e-12);
    }
}
