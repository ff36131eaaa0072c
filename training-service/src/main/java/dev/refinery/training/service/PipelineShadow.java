package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.PipelineMapper;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineRun;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The shadow phase of a run whose challenger passed its evaluation: inference-service's trial (opened as the project, with
 * the run's id) has the challenger answer a share of the live chat requests to the project's promotion alias too, and a judge
 * compare each pair; when the trial ends, the challenger is promoted through eval-service's registry if its win rate
 * reaches the pipeline's, and the run ends either way with the numbers. Every step is taken by the sweep: the calls are
 * made outside any transaction, their answer applied under the run's lock only if the run is still where it was, and a
 * call that does not get through is made again at the next sweep (opening a trial and naming the alias's version are both
 * the same when repeated).
 */
@ApplicationScoped
public class PipelineShadow {

    private static final Logger LOG = Logger.getLogger(PipelineShadow.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEFAULT_ALIAS = "champion";

    @Inject
    PipelineRuns runs;

    @Inject
    ProjectCalls calls;

    @Inject
    TrainingSettings settings;

    /** What a step needs to know of its run, read in a short transaction. */
    private record Phase(String runId, String tenant, String versionId, String evalId, String promoteAtOnceBecause, String alias,
                         boolean started, OffsetDateTime endsAt, double share, int pairs, double minWinRate, String within, String judge) {
    }

    /** The runs in their shadow phase. */
    public List<String> running() {
        return QuarkusTransaction.requiringNew().call(PipelineRun::inShadow);
    }

    /** Moves run {@code runId}'s shadow phase on by one step; safe on any replica, as often as called. */
    public void step(String runId) {
        Phase phase = QuarkusTransaction.requiringNew().call(() -> phase(runId));
        if (phase == null) {
            return;
        }
        if (phase.promoteAtOnceBecause() != null) {
            promote(phase, policyAlias(phase), List.of("shadow: " + phase.promoteAtOnceBecause() + "; promoted on its evaluation"), null);
            return;
        }
        if (!phase.started()) {
            open(phase);
            return;
        }
        read(phase);
    }

    private Phase phase(String runId) {
        PipelineRun run = PipelineRun.findById(runId);
        if (run == null || run.status != PipelineRun.Status.SHADOW) {
            return null;
        }
        Pipeline p = Pipeline.findById(run.pipelineId);
        if (p == null || p.status != Pipeline.Status.ACTIVE) {
            return null; // paused: held where it is until a person resumes the pipeline
        }
        // nothing served the alias when the run was evaluated, so there is no live traffic to share: the first champion is
        // promoted on its evaluation; so is a run whose pipeline lost its shadow phase in a change (a trial already open
        // runs to its end at inference-service, and is not read)
        String atOnce = run.championScore == null ? "no champion yet whose live requests the challenger could answer too"
                : !p.hasShadowPhase() ? "the pipeline's shadow phase was removed by a change" : null;
        return new Phase(run.id, run.tenant, run.modelVersionId, run.evalId, atOnce, run.shadowAlias, run.shadowStartedAt != null,
                run.shadowEndsAt, orZero(p.shadowShare), p.shadowPairs == null ? 0 : p.shadowPairs, orZero(p.shadowMinWinRate),
                p.shadowWithin, p.shadowJudge);
    }

    private static double orZero(Double d) {
        return d == null ? 0 : d;
    }

    /** Opens the trial on the alias of the project's promotion policy, and records that it is open. */
    private void open(Phase phase) {
        String alias = policyAlias(phase);
        if (alias == null) {
            return; // eval-service away: the next sweep asks again
        }
        ObjectNode body = JSON.createObjectNode().put("alias", alias).put("challenger", phase.versionId()).put("judge", phase.judge())
                .put("share", phase.share()).put("pairs", phase.pairs()).put("within", phase.within());
        Answer answer = call(() -> calls.putJson(phase.tenant(), inferenceUrl(), "/v1/shadow-trials/" + phase.runId(), body.toString()));
        if (answer.retryLater()) {
            LOG.infof("run %s: its shadow trial is not open yet (%s); the next sweep asks again", phase.runId(), answer.problem());
            return;
        }
        if (answer.problem() != null) {
            refused(phase.runId(), "PIPELINE_SHADOW_REFUSED", "inference-service refused the shadow trial: " + answer.problem());
            return;
        }
        OffsetDateTime startedAt = OffsetDateTime.parse(answer.body().path("startedAt").asText());
        OffsetDateTime endsAt = OffsetDateTime.parse(answer.body().path("endsAt").asText());
        QuarkusTransaction.requiringNew().run(() -> runs.locked(phase.runId()).map(PipelineRuns.Locked::run)
                .filter(r -> r.status == PipelineRun.Status.SHADOW && r.shadowStartedAt == null).ifPresent(r -> {
                    r.shadowAlias = alias;
                    r.shadowStartedAt = startedAt;
                    r.shadowEndsAt = endsAt;
                    LOG.infof("run %s: shadow trial open on '%s' until %s", r.id, alias, endsAt);
                }));
    }

    /** Reads the trial back; once it ended, decides. */
    private void read(Phase phase) {
        Answer answer = call(() -> calls.get(phase.tenant(), inferenceUrl(), "/v1/shadow-trials/" + phase.runId()));
        if (answer.problem() != null) {
            OffsetDateTime giveUpAt = phase.endsAt().plus(settings.pipelines().evaluationWithin());
            if (OffsetDateTime.now(ZoneOffset.UTC).isAfter(giveUpAt)) {
                refused(phase.runId(), "PIPELINE_SHADOW_LOST", "the shadow trial could not be read from inference-service since it "
                        + "was due to end at " + phase.endsAt() + " (" + answer.problem() + ")");
            }
            return;
        }
        JsonNode trial = answer.body();
        int wins = trial.path("wins").asInt();
        int losses = trial.path("losses").asInt();
        int ties = trial.path("ties").asInt();
        int unclear = trial.path("unclear").asInt();
        int judged = wins + losses + ties;
        Double winRate = trial.path("winRate").isNumber() ? trial.path("winRate").asDouble() : null;
        if (!"ENDED".equals(trial.path("status").asText())) {
            // still open: the counts so far, so that the run's view shows how the challenger is doing
            QuarkusTransaction.requiringNew().run(() -> runs.locked(phase.runId()).map(PipelineRuns.Locked::run)
                    .filter(r -> r.status == PipelineRun.Status.SHADOW).ifPresent(r -> record(r, new Counts(wins, losses, ties, unclear, winRate))));
            return;
        }
        String counts = String.format(Locale.ROOT, "shadow: on %d live requests to '%s' judged by %s, the challenger won %d, lost %d "
                + "and tied %d (%d more unclear)", judged, phase.alias(), phase.judge(), wins, losses, ties, unclear);
        Counts recorded = new Counts(wins, losses, ties, unclear, winRate);
        if (judged < phase.pairs() || winRate == null) {
            notPromoted(phase, recorded, List.of(counts + "; " + phase.pairs() + " judged pairs were needed within " + phase.within()
                    + ": not promoted, the champion keeps serving"));
            return;
        }
        String rate = String.format(Locale.ROOT, "win rate %.3f (ties count half) %s the pipeline's %.3f", winRate,
                winRate >= phase.minWinRate() ? "reaches" : "is below", phase.minWinRate());
        if (winRate >= phase.minWinRate()) {
            promote(phase, phase.alias(), List.of(counts + ": " + rate), recorded);
        } else {
            notPromoted(phase, recorded, List.of(counts + ": " + rate + "; not promoted, the champion keeps serving"));
        }
    }

    /** The judged pairs as recorded on the run. */
    private record Counts(int wins, int losses, int ties, int unclear, Double winRate) {
    }

    /** Names the challenger's version by {@code alias} in eval-service's registry (unless it does already), then ends the run. */
    private void promote(Phase phase, String alias, List<String> reasons, Counts counts) {
        if (alias == null) {
            return;
        }
        Answer current = call(() -> calls.get(phase.tenant(), evalUrl(), "/registry/aliases/" + alias));
        boolean namedAlready = current.problem() == null && phase.versionId().equals(current.body().path("modelVersionId").asText(null));
        if (!namedAlready) {
            ObjectNode body = JSON.createObjectNode().put("version", phase.versionId()).put("reason", "pipeline run " + phase.runId()
                    + ": " + String.join("; ", reasons));
            if (phase.evalId() != null) {
                body.put("evaluationId", phase.evalId());
            }
            Answer promoted = call(() -> calls.putJson(phase.tenant(), evalUrl(), "/registry/aliases/" + alias, body.toString()));
            if (promoted.retryLater()) {
                LOG.infof("run %s: not promoted yet (%s); the next sweep tries again", phase.runId(), promoted.problem());
                return;
            }
            if (promoted.problem() != null) {
                refused(phase.runId(), "PIPELINE_PROMOTION_REFUSED", "eval-service refused to promote " + phase.versionId() + " to '"
                        + alias + "': " + promoted.problem());
                return;
            }
        }
        decided(phase.runId(), "PROMOTED", reasons, counts);
    }

    private void notPromoted(Phase phase, Counts counts, List<String> reasons) {
        decided(phase.runId(), "NOT_PROMOTED", reasons, counts);
    }

    private void decided(String runId, String decision, List<String> shadowReasons, Counts counts) {
        QuarkusTransaction.requiringNew().run(() -> runs.locked(runId).filter(l -> l.run().status == PipelineRun.Status.SHADOW)
                .ifPresent(l -> {
                    PipelineRun run = l.run();
                    List<String> reasons = new ArrayList<>(Optional.ofNullable(PipelineMapper.view(run).reasons()).orElse(List.of()));
                    reasons.addAll(shadowReasons);
                    run.reasons = PipelineMapper.reasonsJson(reasons);
                    run.decision = decision;
                    if (counts != null) {
                        record(run, counts);
                    }
                    runs.end(l.pipeline(), run, PipelineRun.Status.SUCCEEDED, null, null);
                    LOG.infof("pipeline %s: run %s %s after its shadow phase", l.pipeline().name, run.id, decision);
                }));
    }

    private static void record(PipelineRun run, Counts counts) {
        run.shadowWins = counts.wins();
        run.shadowLosses = counts.losses();
        run.shadowTies = counts.ties();
        run.shadowUnclear = counts.unclear();
        run.shadowWinRate = counts.winRate();
    }

    /** A step that cannot succeed however often it is taken: the run fails and the pipeline pauses, as after a failed job. */
    private void refused(String runId, String code, String why) {
        QuarkusTransaction.requiringNew().run(() -> runs.locked(runId).filter(l -> l.run().status == PipelineRun.Status.SHADOW)
                .ifPresent(l -> {
                    runs.end(l.pipeline(), l.run(), PipelineRun.Status.FAILED, code, why);
                    runs.pause(l.pipeline(), l.run(), code, "run " + runId + ": " + why + "; resume the pipeline once the cause is fixed");
                }));
    }

    /** The alias the project's promotion policy promotes to, from eval-service; null while it cannot be read. */
    private String policyAlias(Phase phase) {
        if (phase.alias() != null) {
            return phase.alias();
        }
        Answer policy = call(() -> calls.get(phase.tenant(), evalUrl(), "/registry/policy"));
        if (policy.problem() != null) {
            LOG.infof("run %s: the project's promotion alias is not known yet (%s)", phase.runId(), policy.problem());
            return null;
        }
        return policy.body().path("alias").asText(DEFAULT_ALIAS);
    }

    /** A call's answer: its JSON body, or a problem, which may pass ({@code retryLater}). */
    private record Answer(JsonNode body, String problem, boolean retryLater) {
    }

    private interface Call {
        HttpResponse<String> send() throws IOException, InterruptedException;
    }

    private static Answer call(Call call) {
        HttpResponse<String> response;
        try {
            response = call.send();
        } catch (IOException e) {
            return new Answer(null, "unreachable: " + e.getMessage(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, "interrupted", true);
        }
        JsonNode body;
        try {
            body = response.body() == null || response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            body = JSON.createObjectNode();
        }
        if (response.statusCode() / 100 == 2) {
            return new Answer(body, null, false);
        }
        String problem = response.statusCode() + (body.has("code") ? " " + body.path("code").asText() + ": " + body.path("detail").asText() : "");
        // inference-service learns of a new version from model-registered on its own: not knowing it yet is not a refusal
        boolean passes = response.statusCode() >= 500 || response.statusCode() == 429
                || "SHADOW_CHALLENGER_UNKNOWN".equals(body.path("code").asText());
        return new Answer(body, problem, passes);
    }

    private String inferenceUrl() {
        return settings.pipelines().inferenceUrl().orElseThrow(() -> new IllegalStateException("refinery.training.pipelines.inference-url is not set"));
    }

    private String evalUrl() {
        return settings.pipelines().evalUrl().orElseThrow(() -> new IllegalStateException("refinery.training.pipelines.eval-url is not set"));
    }
}
