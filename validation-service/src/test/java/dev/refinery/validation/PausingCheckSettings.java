package dev.refinery.validation;

import dev.refinery.datasets.check.CheckOptions;
import dev.refinery.datasets.dedup.EarlierVersions;
import dev.refinery.validation.service.CheckSettings;
import dev.refinery.validation.service.RunChecks;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The real check settings, with a pause a test can set: the next validation stops right after its attempt began (its
 * lease held, the run RUNNING) until the test resumes it, so that the test can act "in the middle of a validation".
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class PausingCheckSettings extends CheckSettings {

    private volatile CountDownLatch paused;
    private final AtomicReference<CountDownLatch> resume = new AtomicReference<>();

    @Override
    public CheckOptions options(EarlierVersions earlier, RunChecks checks, CheckOptions.TestSetSource testSet) {
        CountDownLatch r = resume.getAndSet(null);
        if (r != null) {
            paused.countDown();
            try {
                if (!r.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never resumed the validation");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return super.options(earlier, checks, testSet);
    }

    /** The next validation pauses; returns what resumes it. */
    synchronized Runnable pauseNext() {
        paused = new CountDownLatch(1);
        CountDownLatch r = new CountDownLatch(1);
        resume.set(r);
        return r::countDown;
    }

    /** Waits until the paused validation got there. */
    void awaitPaused(Duration timeout) throws InterruptedException {
        if (!paused.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("no validation reached the pause within " + timeout);
        }
    }
}
