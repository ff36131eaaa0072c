package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.PipelineMapper;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The shadow phase of a run whose challenger passed its evaluation: inference-service's trial (opened as the project, with
 * the run's id) has the challenger answer a share of the live chat requests to the project's promotion alias too, and a judge
 * compare each pair; when the trial ends, the challenger is promoted through eval-service's registry if its win rate over
 * the decisive pairs reaches the run's settings and the champion it was compared with still holds the alias, and the run
 * ends either way with the numbers. Every step is taken by the sweep: the calls are made outside any transaction, their
 * answer applied under the run's lock only if the run is still where it was, and a call that does not get through is made
 * again at the next sweep (opening a trial and naming the alias's version are both the same when repeated) until the
 * phase's deadline, after which the run fails and the pipeline pauses.
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

    @Inject
    MeterRegistry registry;

    /** What a step needs to know of its run, read in a short transaction. */
    private record Phase(String runId, String tenant, String versionId, String evalId, String championVersionId, ShadowSettings settings,
                         String alias, boolean started, boolean paused, OffsetDateTime deadline) {
    }

    /** The runs in their shadow phase. */
    public List<String> running() {
        return QuarkusTransaction.requiringNew().call(PipelineRun::inShadow);
    }

    /**
     * Moves run {@code runId}'s shadow phase on by one step; safe on any replica, as often as called. A paused pipeline's
     * run still follows its trial's counts, and decides nothing until the pipeline is resumed.
     */
    public void step(String runId) {
        Phase phase;
        try {
            phase = QuarkusTransaction.requiringNew().call(() -> phase(runId));
        } catch (RuntimeException e) {
            LOG.warnf(e, "run %s: its shadow phase cannot be read", runId);
            return;
        }
        if (phase == null) {
            return;
        }
        try {
            move(phase);
        } catch (RuntimeException e) { // a setting removed since, a malformed answer: the deadline still holds
            waitOrFail(phase, "its shadow phase could not move on", e.toString());
        }
    }

    private void move(Phase phase) {
        if (phase.started()) {
            read(phase);
            return;
        }
        if (phase.paused()) {
            return;
        }
        if (phase.championVersionId() == null) {
            // nothing served the alias when the run was evaluated, so there is no live traffic to share: the first
            // champion is promoted on its evaluation
            decide(phase, null, List.of("shadow: no champion yet whose live requests the challenger could answer too; decided on "
                    + "its evaluation"), null);
            return;
        }
        open(phase);
    }

    private Phase phase(String runId) {
        PipelineRun run = PipelineRun.findById(runId);
        if (run == null || run.status != PipelineRun.Status.SHADOW) {
            return null;
        }
        Pipeline p = Pipeline.findById(run.pipelineId);
        OffsetDateTime from = run.shadowEndsAt != null ? run.shadowEndsAt : run.shadowEnteredAt;
        return new Phase(run.id, run.tenant, run.modelVersionId, run.evalId, run.shadowChampionVersionId,
                ShadowSettings.read(run.shadowSettings), run.shadowAlias, run.shadowStartedAt != null,
                p == null || p.status != Pipeline.Status.ACTIVE, from.plus(settings.pipelines().evaluationWithin()));
    }

    /** Opens the trial on the alias of the project's promotion policy, and records that it is open. */
    private void open(Phase phase) {
        Policy policy = policy(phase);
        if (policy == null) {
            return;
        }
        Holder holder = holder(phase, policy.alias());
        if (holder == null) {
            return;
        }
        if (!java.util.Objects.equals(holder.version(), phase.championVersionId())) {
            // a person (or another pipeline) moved the alias since the evaluation: a trial could only end in NOT_PROMOTED
            decide(phase, null, List.of(holder.changedFrom(policy.alias(), phase.championVersionId())), false);
            return;
        }
        ShadowSettings s = phase.settings();
        ObjectNode body = JSON.createObjectNode().put("alias", policy.alias()).put("challenger", phase.versionId()).put("judge", s.judge())
                .put("share", s.share()).put("pairs", s.pairs()).put("within", s.within());
        ProjectCalls.Answer answer = calls.putJson(phase.tenant(), inferenceUrl(), trialPath(phase), body.toString());
        OffsetDateTime startedAt = answer.problem() == null ? time(answer.body(), "startedAt") : null;
        OffsetDateTime endsAt = answer.problem() == null ? time(answer.body(), "endsAt") : null;
        if (answer.problem() == null && (startedAt == null || endsAt == null)) {
            answer = ProjectCalls.Answer.refused("inference-service opened the trial without startedAt and endsAt: " + answer.body());
        }
        if (answer.problem() != null) {
            if (!retryLater(answer)) {
                fail(phase, "PIPELINE_SHADOW_REFUSED", "inference-service refused the shadow trial: " + answer.problem());
            } else {
                waitOrFail(phase, "its shadow trial is not open yet", answer.problem());
            }
            return;
        }
        QuarkusTransaction.requiringNew().run(() -> runs.locked(phase.runId()).map(PipelineRuns.Locked::run)
                .filter(r -> r.status == PipelineRun.Status.SHADOW && r.shadowStartedAt == null).ifPresent(r -> {
                    r.shadowAlias = policy.alias();
                    r.shadowStartedAt = startedAt;
                    r.shadowEndsAt = endsAt;
                    LOG.infof("run %s: shadow trial open on '%s' until %s", r.id, policy.alias(), endsAt);
                }));
    }

    /** Reads the trial back: its counts so far; once it ended (and the pipeline is not paused), the decision. */
    private void read(Phase phase) {
        ProjectCalls.Answer answer = calls.get(phase.tenant(), inferenceUrl(), trialPath(phase));
        if (answer.problem() != null) {
            waitOrFail(phase, "its shadow trial could not be read", answer.problem());
            return;
        }
        JsonNode trial = answer.body();
        Counts counts = Counts.of(trial.path("wins").asInt(), trial.path("losses").asInt(), trial.path("ties").asInt(),
                trial.path("unclear").asInt());
        boolean ended = "ENDED".equals(trial.path("status").asText());
        if (!ended || phase.paused()) {
            QuarkusTransaction.requiringNew().run(() -> runs.locked(phase.runId()).map(PipelineRuns.Locked::run)
                    .filter(r -> r.status == PipelineRun.Status.SHADOW).ifPresent(r -> counts.recordOn(r)));
            return;
        }
        ShadowSettings s = phase.settings();
        int decisive = counts.wins() + counts.losses();
        String tally = String.format(Locale.ROOT, "shadow: on %d live requests to '%s' judged by %s, the challenger won %d, lost %d "
                + "and tied %d (%d more unclear; the trial ended: %s)", counts.judged(), phase.alias(), s.judge(), counts.wins(),
                counts.losses(), counts.ties(), counts.unclear(), trial.path("endReason").asText("?"));
        if (counts.judged() < s.pairs()) {
            decide(phase, counts, List.of(tally + "; " + s.pairs() + " judged pairs were needed within " + s.within()), false);
        } else if (decisive == 0) {
            decide(phase, counts, List.of(tally + "; no pair was decisive (the judge changed its mind on every swap): nothing shows "
                    + "the challenger better"), false);
        } else {
            boolean reaches = counts.winRate() >= s.minWinRate();
            decide(phase, counts, List.of(tally + String.format(Locale.ROOT, "; win rate %.3f over the %d decisive pairs %s the "
                    + "pipeline's %.3f", counts.winRate(), decisive, reaches ? "reaches" : "is below", s.minWinRate())), reaches);
        }
    }

    /** A trial's counts, as recorded on the run; the win rate over the decisive pairs, computed here from the counts. */
    private record Counts(int wins, int losses, int ties, int unclear, Double winRate) {

        static Counts of(int wins, int losses, int ties, int unclear) {
            return new Counts(wins, losses, ties, unclear, wins + losses == 0 ? null : (double) wins / (wins + losses));
        }

        int judged() {
            return wins + losses + ties;
        }

        void recordOn(PipelineRun run) {
            run.shadowWins = wins;
            run.shadowLosses = losses;
            run.shadowTies = ties;
            run.shadowUnclear = unclear;
            run.shadowWinRate = winRate;
        }
    }

    /**
     * Ends the run: PROMOTED when {@code passed} (or, with no trial, {@code null}: on its evaluation alone) and the project
     * promotes on its own and the alias still names the champion the run was compared with; otherwise NOT_PROMOTED, or
     * PASSED_AWAITING_PROMOTION when the project's policy leaves promotions to a person.
     */
    private void decide(Phase phase, Counts counts, List<String> reasons, Boolean passed) {
        List<String> why = new ArrayList<>(reasons);
        String decision;
        if (Boolean.FALSE.equals(passed)) {
            decision = "NOT_PROMOTED";
            why.add("not promoted: the alias keeps the version it names");
        } else {
            Policy policy = policy(phase);
            if (policy == null) {
                return;
            }
            Optional<String> blocked = promote(phase, policy, why);
            if (blocked == null) {
                return; // the registry is away: the next sweep tries again
            }
            if (blocked.isPresent()) {
                decision = policy.autoPromote() ? "NOT_PROMOTED" : PipelineRuns.PASSED_AWAITING_PROMOTION;
                why.add(blocked.get());
            } else {
                decision = "PROMOTED";
            }
        }
        String finalDecision = decision;
        boolean ended = QuarkusTransaction.requiringNew().call(() -> runs.locked(phase.runId())
                .filter(l -> l.run().status == PipelineRun.Status.SHADOW).map(l -> {
                    PipelineRun run = l.run();
                    List<String> all = new ArrayList<>(Optional.ofNullable(PipelineMapper.view(run).reasons()).orElse(List.of()));
                    all.addAll(why);
                    run.reasons = PipelineMapper.reasonsJson(all);
                    run.decision = finalDecision;
                    if (counts != null) {
                        counts.recordOn(run);
                    }
                    runs.end(l.pipeline(), run, PipelineRun.Status.SUCCEEDED, null, null);
                    LOG.infof("pipeline %s: run %s %s after its shadow phase", l.pipeline().name, run.id, finalDecision);
                    return true;
                }).orElse(false));
        if (ended) {
            registry.counter("refinery_training_pipeline_shadow_decisions_total", "decision", finalDecision).increment();
        }
    }

    /**
     * Names the challenger by the policy's alias in eval-service's registry, unless the project promotes by hand or the
     * alias no longer names the champion the challenger was compared with.
     *
     * @return empty: promoted (now or before); a reason it was not; null: eval-service could not be asked, try again later
     */
    private Optional<String> promote(Phase phase, Policy policy, List<String> reasons) {
        if (!policy.autoPromote()) {
            return Optional.of("passed, and the project promotes by hand (its policy's autoPromote is off): promote it with PUT "
                    + "/v1/registry/aliases/" + policy.alias());
        }
        Holder holder = holder(phase, policy.alias());
        if (holder == null) {
            return null;
        }
        if (phase.versionId().equals(holder.version())) {
            return Optional.empty(); // promoted by an earlier step that did not live to record it
        }
        if (!java.util.Objects.equals(holder.version(), phase.championVersionId())) {
            return Optional.of(holder.changedFrom(policy.alias(), phase.championVersionId()));
        }
        ObjectNode body = JSON.createObjectNode().put("version", phase.versionId()).put("reason", "pipeline run " + phase.runId()
                + ": " + String.join("; ", reasons));
        if (phase.evalId() != null) {
            body.put("evaluationId", phase.evalId());
        }
        ProjectCalls.Answer promoted = calls.putJson(phase.tenant(), evalUrl(), "/registry/aliases/" + policy.alias(), body.toString());
        if (promoted.problem() == null) {
            return Optional.empty();
        }
        if (promoted.passes()) {
            waitOrFail(phase, "not promoted yet", promoted.problem());
            return null;
        }
        fail(phase, "PIPELINE_PROMOTION_REFUSED", "eval-service refused to promote " + phase.versionId() + " to '" + policy.alias()
                + "': " + promoted.problem());
        return null;
    }

    /** The version an alias names now ({@code version} null: none). */
    private record Holder(String version) {

        String changedFrom(String alias, String champion) {
            return "not promoted: '" + alias + "' names " + (version == null ? "no version" : version) + " now, not "
                    + (champion == null ? "no version" : champion) + " the challenger was compared with; evaluate it again";
        }
    }

    /**
     * Who holds {@code alias} in eval-service's registry; null when that cannot be said now (asked again at the next sweep)
     * or will never be (the run failed).
     */
    private Holder holder(Phase phase, String alias) {
        ProjectCalls.Answer current = calls.get(phase.tenant(), evalUrl(), "/registry/aliases/" + alias);
        if (current.problem() == null) {
            return new Holder(current.body().path("modelVersionId").asText(null));
        }
        if (current.status() == 404 && "MODEL_ALIAS_NOT_FOUND".equals(current.code())) {
            return new Holder(null);
        }
        if (current.passes()) {
            waitOrFail(phase, "the alias could not be read", current.problem());
        } else {
            fail(phase, "PIPELINE_PROMOTION_REFUSED", "eval-service refused to show '" + alias + "': " + current.problem());
        }
        return null;
    }

    /** A call that may pass: the next sweep asks again, until the phase's deadline. */
    private void waitOrFail(Phase phase, String what, String problem) {
        if (OffsetDateTime.now(ZoneOffset.UTC).isAfter(phase.deadline())) {
            fail(phase, "PIPELINE_SHADOW_STUCK", what + " by " + phase.deadline() + " (" + problem + ")");
            return;
        }
        LOG.warnf("run %s: %s (%s); the next sweep tries again until %s", phase.runId(), what, problem, phase.deadline());
    }

    /** A step that cannot succeed however often it is taken: the run fails and the pipeline pauses, as after a failed job. */
    private void fail(Phase phase, String code, String why) {
        QuarkusTransaction.requiringNew().run(() -> runs.locked(phase.runId()).filter(l -> l.run().status == PipelineRun.Status.SHADOW)
                .ifPresent(l -> {
                    runs.end(l.pipeline(), l.run(), PipelineRun.Status.FAILED, code, why);
                    if (l.pipeline().status == Pipeline.Status.ACTIVE) { // a person's pause and its reason stay as they are
                        runs.pause(l.pipeline(), l.run(), code, "run " + phase.runId() + ": " + why + "; resume the pipeline once the "
                                + "cause is fixed");
                    }
                }));
        // nothing will read the trial any more: it stops mirroring now rather than at its end (404: none was opened)
        settings.pipelines().inferenceUrl().ifPresent(url -> {
            ProjectCalls.Answer withdrawn = calls.delete(phase.tenant(), url, trialPath(phase) + "?reason="
                    + URLEncoder.encode("run failed: " + code, StandardCharsets.UTF_8));
            if (withdrawn.problem() != null && withdrawn.status() != 404) {
                LOG.warnf("run %s: its shadow trial was not withdrawn (%s); it ends on its own at its time", phase.runId(),
                        withdrawn.problem());
            }
        });
    }

    /** What a shadow phase needs of the project's promotion policy. */
    private record Policy(String alias, boolean autoPromote) {
    }

    /** The project's promotion policy, from eval-service; null while it cannot be read (asked again at the next sweep). */
    private Policy policy(Phase phase) {
        ProjectCalls.Answer answer = calls.get(phase.tenant(), evalUrl(), "/registry/policy");
        if (answer.problem() != null) {
            waitOrFail(phase, "the project's promotion policy could not be read", answer.problem());
            return null;
        }
        String alias = phase.alias() != null ? phase.alias() : answer.body().path("alias").asText(DEFAULT_ALIAS);
        return new Policy(alias, answer.body().path("autoPromote").asBoolean(false));
    }

    /**
     * Whether a refused trial may be opened later: besides trouble that passes, inference-service has not heard of the
     * challenger yet (model-registered is on its way), or another challenger's trial holds the alias.
     */
    private static boolean retryLater(ProjectCalls.Answer answer) {
        return answer.passes() || "SHADOW_CHALLENGER_UNKNOWN".equals(answer.code()) || "SHADOW_TRIAL_ALIAS_BUSY".equals(answer.code());
    }

    private static String trialPath(Phase phase) {
        return "/v1/shadow-trials/" + phase.runId();
    }

    private static OffsetDateTime time(JsonNode body, String field) {
        try {
            return OffsetDateTime.parse(body.path(field).asText());
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private String inferenceUrl() {
        return settings.pipelines().inferenceUrl().orElseThrow(() -> new IllegalStateException("refinery.training.pipelines.inference-url is not set"));
    }

    private String evalUrl() {
        return settings.pipelines().evalUrl().orElseThrow(() -> new IllegalStateException("refinery.training.pipelines.eval-url is not set"));
    }
}
