package dev.refinery.eval;

import dev.refinery.eval.service.HeldOutSplit;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The real held-out split, with a pause a test can set per dataset: an evaluation of that dataset stops in the middle (its
 * lease held, the artifact and the base model loaded) until the test resumes it. Other datasets read as usual.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class PausingHeldOutSplit extends HeldOutSplit {

    private final Map<String, Pause> pauses = new ConcurrentHashMap<>();

    @Override
    public Items read(String key, int maxItems) {
        Pause pause = pauses.remove(key);
        if (pause != null) {
            pause.reached.countDown();
            try {
                if (!pause.resume.await(5, TimeUnit.MINUTES)) {
                    throw new IllegalStateException("the test never resumed the evaluation of " + key);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return super.read(key, maxItems);
    }

    /** The next evaluation of {@code datasetId} pauses there. */
    Pause pause(String datasetId) {
        Pause pause = new Pause(datasetId);
        pauses.put(HeldOutSplit.key(datasetId, false), pause);
        return pause;
    }

    /** One pause: the test waits for the evaluation to reach it, then resumes it. */
    static final class Pause {
        private final String datasetId;
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);

        private Pause(String datasetId) {
            this.datasetId = datasetId;
        }

        void awaitReached(Duration timeout) throws InterruptedException {
            if (!reached.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("no evaluation of " + datasetId + " reached its pause within " + timeout);
            }
        }

        void resume() {
            resume.countDown();
        }
    }
}
