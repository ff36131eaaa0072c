package dev.refinery.inference.shadow;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.eval.PairwiseQuestion;
import dev.refinery.inference.capture.CapturedAnswer;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.service.WholeAnswers;
import dev.refinery.kit.work.DaemonThreads;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Mirrors a share of an alias's answered chat requests to the challenger of the shadow trial open on it, after the caller
 * has its answer: the challenger answers the same messages (greedy), a judge compares the two answers asked both ways
 * ({@link PairwiseQuestion}), and the trial counts the pair. One background thread does this, off the request's thread and
 * the engine's decode thread; a full queue skips the request (counted), never delays or fails the caller's answer.
 */
@ApplicationScoped
public class ShadowMirror {

    private static final Logger LOG = Logger.getLogger(ShadowMirror.class);
    /** The challenger may answer up to twice as long as the champion did, within these bounds. */
    static final int MIN_TOKENS = 64;
    static final int MAX_TOKENS = 1024;

    @Inject
    ShadowTrials trials;

    @Inject
    WholeAnswers answers;

    @Inject
    InferenceConfig config;

    @Inject
    MeterRegistry registry;

    private volatile ExecutorService worker;

    private ExecutorService worker() {
        ExecutorService w = worker;
        if (w == null) {
            synchronized (this) {
                if (worker == null) {
                    worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(config.shadowQueue()),
                            DaemonThreads.named("shadow"));
                }
                w = worker;
            }
        }
        return w;
    }

    /** An answered request of the project's own traffic: mirrored when a trial is open on what it named and the draw says so. */
    public void answered(CapturedAnswer answer) {
        Optional<ShadowTrials.Open> trial = trials.openOn(answer.tenant(), answer.requestedModel());
        if (trial.isEmpty() || ThreadLocalRandom.current().nextDouble() >= trial.get().share()) {
            return;
        }
        try {
            worker().execute(() -> judge(trial.get(), answer));
        } catch (RejectedExecutionException e) {
            registry.counter("refinery_inference_shadow_skipped_total", "reason", "queue_full").increment();
        }
    }

    private void judge(ShadowTrials.Open trial, CapturedAnswer answer) {
        Verdict verdict;
        try {
            verdict = verdict(trial, answer);
        } catch (RuntimeException e) {
            LOG.warnf("shadow trial %s: request %s not judged: %s", trial.id(), answer.responseId(), e.getMessage());
            verdict = Verdict.UNCLEAR;
        }
        registry.counter("refinery_inference_shadow_pairs_total", "verdict", verdict.name()).increment();
        try {
            if (trials.record(trial.id(), answer.responseId(), verdict)) {
                trials.refresh();
            }
        } catch (RuntimeException e) {
            LOG.warnf("shadow trial %s: the pair of request %s not counted: %s", trial.id(), answer.responseId(), e.getMessage());
        }
    }

    private Verdict verdict(ShadowTrials.Open trial, CapturedAnswer answer) {
        String tenant = answer.tenant();
        int maxTokens = Math.min(MAX_TOKENS, Math.max(MIN_TOKENS, 2 * answer.result().completionTokens()));
        String challenger = answers.ask(tenant, trial.challengerVersionId(), answer.messages(), maxTokens);
        String champion = answer.result().text();
        String request = conversation(answer.messages());
        Optional<Character> challengerAsA = PairwiseQuestion.verdict(answers.ask(tenant, trial.judge(),
                PairwiseQuestion.of(null, request, null, challenger, champion), PairwiseQuestion.ANSWER_TOKENS));
        Optional<Character> challengerAsB = PairwiseQuestion.verdict(answers.ask(tenant, trial.judge(),
                PairwiseQuestion.of(null, request, null, champion, challenger), PairwiseQuestion.ANSWER_TOKENS));
        if (challengerAsA.isEmpty() || challengerAsB.isEmpty()) {
            return Verdict.UNCLEAR;
        }
        return switch (PairwiseQuestion.outcome(challengerAsA.get(), challengerAsB.get())) {
            case FIRST -> Verdict.WIN;
            case SECOND -> Verdict.LOSS;
            case TIE -> Verdict.TIE;
        };
    }

    /** The request as the judge reads it: the user's message alone, or the whole conversation turn by turn. */
    static String conversation(List<ChatMessage> messages) {
        if (messages.size() == 1) {
            return messages.get(0).content();
        }
        return messages.stream().map(m -> m.role() + ": " + m.content()).collect(Collectors.joining("\n"));
    }

    void stop(@Observes ShutdownEvent ev) {
        ExecutorService w = worker;
        if (w != null) {
            w.shutdownNow(); // a pair not judged is not counted: the trial waits for another request
        }
    }
}
