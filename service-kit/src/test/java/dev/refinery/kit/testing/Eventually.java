package dev.refinery.kit.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Waits for what background threads do: polls a condition until it holds, failing the test after 15 s. */
public final class Eventually {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private Eventually() {
    }

    public static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + TIMEOUT);
            }
            Thread.sleep(20);
        }
    }
}
