package dev.refinery.eval.inference;

import java.time.Duration;
import java.util.Optional;

/** What one HTTP attempt for one item came to. */
sealed interface AttemptOutcome {

    /** The model's answer: {@code choices[0].message.content}. */
    record Answer(String content) implements AttemptOutcome {
    }

    /**
     * Worth another try (429, 5xx, no answer at all).
     *
     * @param status the HTTP status, 0 when no answer came
     * @param serverDelay the wait the server asked for, if it did
     */
    record Retryable(int status, String message, Optional<Duration> serverDelay) implements AttemptOutcome {
    }

    /** Another try cannot help; {@code code} is one of {@link InferenceErrorCodes}. */
    record Fatal(String code, String message) implements AttemptOutcome {
    }
}
