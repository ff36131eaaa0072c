package dev.refinery.inference.shadow;

import dev.refinery.engine.chat.ChatMessage;
import dev.refinery.engine.eval.PairwiseQuestion;
import dev.refinery.inference.capture.CapturedAnswer;
import dev.refinery.inference.config.InferenceConfig;
import dev.refinery.inference.openai.Sampling;
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
 * has its answer: the challenger answers the same messages decoded the same way, a judge compares the two answers asked
 * both ways ({@link PairwiseQuestion}), and the trial counts the pair. One background thread does this, off the request's
 * thread and the engine's decode thread; a full queue skips the request (counted). The caller's answer is never held
 * for it, though a challenger on the same engine takes its place in the engine's queue like any request.
 */
@ApplicationScoped
public class ShadowMirror {

    private static final Logger LOG = Logger.getLogger(ShadowMirror.class);
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

    /**
     * An answered request of the project's own traffic, with the decoding its caller asked for: mirrored when a trial is
     * open on what it named and the draw says so.
     */
    public void answered(CapturedAnswer answer, Sampling asked) {
        Optional<ShadowTrials.Open> trial = trials.openOn(answer.tenant(), answer.requestedModel());
        if (trial.isEmpty() || ThreadLocalRandom.current().nextDouble() >= trial.get().share()) {
            return;
        }
        try {
            worker().execute(() -> judge(trial.get(), answer, asked));
        } catch (RejectedExecutionException e) {
            registry.counter("refinery_inference_shadow_skipped_total", "reason", "queue_full").increment();
        }
    }

    private void judge(ShadowTrials.Open trial, CapturedAnswer answer, Sampling asked) {
        if (!trials.openOn(answer.tenant(), answer.requestedModel()).map(ShadowTrials.Open::id).filter(trial.id()::equals).isPresent()) {
            return; // the trial ended while this request waited: nothing to ask
        }
        Verdict verdict;
        String why = null;
        try {
            verdict = verdict(trial, answer, asked);
        } catch (RuntimeException e) {
            LOG.warnf("shadow trial %s: request %s not judged: %s", trial.id(), answer.responseId(), e.getMessage());
            verdict = Verdict.UNCLEAR;
            why = e.getMessage();
        }
        try {
            ShadowTrials.Recorded recorded = trials.record(trial.id(), answer.responseId(), verdict, why);
            if (recorded != ShadowTrials.Recorded.NOT_COUNTED) {
                registry.counter("refinery_inference_shadow_pairs_total", "verdict", verdict.name()).increment();
            }
            if (recorded == ShadowTrials.Recorded.ENDED) {
                trials.refresh();
            }
        } catch (RuntimeException e) {
            LOG.warnf("shadow trial %s: the pair of request %s not counted: %s", trial.id(), answer.responseId(), e.getMessage());
        }
    }

    /**
     * The challenger answers as the champion was asked (the caller's max_tokens, stop, temperature and top_p), then the
     * judge compares the two answers twice, in both orders.
     */
    private Verdict verdict(ShadowTrials.Open trial, CapturedAnswer answer, Sampling asked) {
        String tenant = answer.tenant();
        String challenger = answers.ask(tenant, trial.challengerVersionId(), answer.messages(), asked);
        String champion = answer.result().text();
        String request = conversation(answer.messages());
        Sampling judging = Sampling.greedy(PairwiseQuestion.ANSWER_TOKENS);
        Optional<Character> challengerAsA = PairwiseQuestion.verdict(answers.ask(tenant, trial.judge(),
                PairwiseQuestion.of(null, request, null, challenger, champion), judging));
        Optional<Character> challengerAsB = PairwiseQuestion.verdict(answers.ask(tenant, trial.judge(),
                PairwiseQuestion.of(null, request, null, champion, challenger), judging));
        if (challengerAsA.isEmpty() || challengerAsB.isEmpty()) {
            return Verdict.UNCLEAR;
        }
        return switch (PairwiseQuestion.outcome(challengerAsA.get(), challengerAsB.get())) {
            case FIRST -> Verdict.WIN;
            case SECOND -> Verdict.LOSS;
            case TIE -> Verdict.TIE;
        };
    }

    /** The request as the judge reads it: a lone user message as it is, otherwise the conversation turn by turn. */
    static String conversation(List<ChatMessage> messages) {
        if (messages.size() == 1 && "user".equals(messages.get(0).role())) {
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
