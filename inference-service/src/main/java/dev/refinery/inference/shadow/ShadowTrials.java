package dev.refinery.inference.shadow;

import dev.refinery.inference.openai.OpenAiException;
import dev.refinery.inference.repository.ServedVersion;
import dev.refinery.inference.repository.ShadowPair;
import dev.refinery.inference.repository.ShadowTrial;
import dev.refinery.inference.service.ModelResolver;
import dev.refinery.inference.shadow.api.ShadowTrialRequest;
import dev.refinery.inference.shadow.api.ShadowTrialView;
import dev.refinery.kit.problem.ApiException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Shadow trials: opened by a pipeline run (its id is the run's), counted pair by pair, ended when enough pairs are judged,
 * when too many are unclear, when their time is up, or when the run withdraws them. The request path looks open trials up in memory ({@link #openOn}), refreshed from the database every
 * few seconds so that every replica mirrors a trial another one opened.
 */
@ApplicationScoped
public class ShadowTrials {

    private static final Logger LOG = Logger.getLogger(ShadowTrials.class);
    static final int MAX_PAIRS = 10_000;
    static final Duration MAX_WITHIN = Duration.ofDays(30);

    @Inject
    ModelResolver resolver;

    /** An open trial as the request path needs it, read once per refresh. */
    public record Open(String id, String tenant, String alias, String challengerVersionId, String judge, double share) {
    }

    private record AliasKey(String tenant, String alias) {
    }

    private volatile Map<AliasKey, Open> open = Map.of();

    /** The trial open on {@code alias} of {@code tenant}, if any; no database read. */
    public Optional<Open> openOn(String tenant, String alias) {
        return Optional.ofNullable(open.get(new AliasKey(tenant, alias)));
    }

    /**
     * Opens trial {@code id}; asked again, it is the same trial (nothing changes). One challenger per alias at a time: while
     * another trial is open on the alias, 409 (the caller asks again once it ended).
     */
    @Transactional
    public ShadowTrialView open(String tenant, String id, ShadowTrialRequest request) {
        Optional<ShadowTrial> existing = ShadowTrial.findByIdOptional(id);
        if (existing.isPresent()) {
            if (!existing.get().tenant.equals(tenant)) {
                throw ApiException.conflict("SHADOW_TRIAL_ID_TAKEN", "the trial id " + id + " is taken; choose another");
            }
            return view(existing.get());
        }
        ShadowTrial t = checked(tenant, id, request);
        List<ShadowTrial> busy = ShadowTrial.openOn(tenant, t.alias);
        if (!busy.isEmpty()) {
            throw ApiException.conflict("SHADOW_TRIAL_ALIAS_BUSY", "trial " + busy.get(0).id + " is open on '" + t.alias + "' until "
                    + busy.get(0).endsAt + "; one challenger at a time: ask again once it ended").with("field", "alias");
        }
        t.persist();
        ShadowTrial.getEntityManager().flush(); // a trial opened on the alias at the same moment fails here, not at commit
        LOG.infof("shadow trial %s of %s: %s of the requests to '%s' answered by %s too, judged by %s, until %d pairs or %s",
                id, tenant, t.share, t.alias, t.challengerVersionId, t.judge, t.pairsWanted, t.endsAt);
        return view(t);
    }

    /** Ends trial {@code id} of {@code tenant} now, with {@code reason} (its run ended otherwise); an ended one stays as it is. */
    @Transactional
    public ShadowTrialView withdraw(String tenant, String id, String reason) {
        ShadowTrial t = ShadowTrial.owned(tenant, id).flatMap(found -> ShadowTrial.locked(found.id))
                .orElseThrow(() -> ApiException.notFound("SHADOW_TRIAL_NOT_FOUND", "no shadow trial " + id));
        if (t.status == ShadowTrial.Status.OPEN) {
            end(t, "withdrawn: " + reason);
        }
        return view(t);
    }

    private ShadowTrial checked(String tenant, String id, ShadowTrialRequest r) {
        if (r == null) {
            throw ApiException.badRequest("SHADOW_TRIAL_INVALID", "send {\"alias\", \"challenger\", \"judge\", \"share\", \"pairs\", \"within\"}");
        }
        if (id.isBlank() || id.length() > 64) {
            throw invalid("id", "a trial id is 1 to 64 characters");
        }
        if (r.alias() == null || r.alias().isBlank() || r.alias().length() > 100) {
            throw invalid("alias", "name the alias whose requests are mirrored (1 to 100 characters), e.g. champion");
        }
        if (r.challenger() == null || !ServedVersion.ID.matcher(r.challenger()).matches()) {
            throw invalid("challenger", "name the challenger by its version id, mv-...");
        }
        if (ServedVersion.owned(tenant, r.challenger()).isEmpty()) {
            throw ApiException.notFound("SHADOW_CHALLENGER_UNKNOWN", "no version " + r.challenger() + " is served to this project (yet: "
                    + "a version registered a moment ago arrives shortly)").with("field", "challenger");
        }
        if (r.judge() == null || r.judge().isBlank() || r.judge().length() > 300) {
            throw invalid("judge", "name the judge as a request's model names it, e.g. together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo");
        }
        try {
            resolver.resolve(tenant, r.judge());
        } catch (OpenAiException e) {
            throw invalid("judge", "no model '" + r.judge() + "' can be asked for this project");
        }
        if (r.share() == null || !(r.share() > 0) || r.share() > 1) {
            throw invalid("share", "the share of requests mirrored is a number in (0, 1], e.g. 0.1");
        }
        if (r.pairs() == null || r.pairs() < 1 || r.pairs() > MAX_PAIRS) {
            throw invalid("pairs", "the pairs to judge are 1 to " + MAX_PAIRS);
        }
        Duration within;
        try {
            within = Duration.parse(r.within() == null ? "" : r.within());
        } catch (DateTimeParseException e) {
            throw invalid("within", "an ISO-8601 duration such as PT24H");
        }
        if (within.compareTo(Duration.ofSeconds(1)) < 0 || within.compareTo(MAX_WITHIN) > 0) {
            throw invalid("within", "from PT1S to P30D");
        }
        ShadowTrial t = new ShadowTrial();
        t.id = id;
        t.tenant = tenant;
        t.alias = r.alias();
        t.challengerVersionId = r.challenger();
        t.judge = r.judge();
        t.share = r.share();
        t.pairsWanted = r.pairs();
        t.status = ShadowTrial.Status.OPEN;
        t.startedAt = now();
        t.endsAt = t.startedAt.plus(within);
        return t;
    }

    private static ApiException invalid(String field, String message) {
        return ApiException.unprocessable("SHADOW_TRIAL_INVALID", field + ": " + message).with("field", field);
    }

    /** @throws ApiException 404 for a trial that does not exist or is another project's */
    @Transactional
    public ShadowTrialView view(String tenant, String id) {
        return ShadowTrial.owned(tenant, id).map(ShadowTrials::view)
                .orElseThrow(() -> ApiException.notFound("SHADOW_TRIAL_NOT_FOUND", "no shadow trial " + id));
    }

    /** What became of a pair handed to {@link #record}. */
    public enum Recorded {
        COUNTED,
        /** Counted, and it ended the trial. */
        ENDED,
        /** The trial had ended (or does not exist): not counted. */
        NOT_COUNTED
    }

    /**
     * A judged (or unclear) pair of {@code trialId}; the pair that completes the trial ends it, and so does an unclear pair
     * too many (the judge or the challenger cannot be asked: waiting for the time to run out would only spend calls).
     *
     * @param why for an unclear pair that could not be asked: what went wrong (null otherwise)
     */
    @Transactional
    public Recorded record(String trialId, String responseId, Verdict verdict, String why) {
        ShadowTrial t = ShadowTrial.locked(trialId).orElse(null);
        if (t == null || t.status != ShadowTrial.Status.OPEN) {
            return Recorded.NOT_COUNTED; // ended meanwhile: a pair judged after the end is not counted
        }
        ShadowPair pair = new ShadowPair();
        pair.id = UUID.randomUUID().toString();
        pair.trialId = trialId;
        pair.responseId = responseId;
        pair.outcome = verdict.name();
        pair.judgedAt = now();
        pair.persist();
        switch (verdict) {
            case WIN -> t.wins++;
            case LOSS -> t.losses++;
            case TIE -> t.ties++;
            case UNCLEAR -> t.unclear++;
        }
        if (t.judged() >= t.pairsWanted) {
            end(t, t.judged() + " pairs judged");
            return Recorded.ENDED;
        }
        if (t.unclear > mostUnclear(t)) {
            end(t, t.unclear + " pairs unclear, more than " + mostUnclear(t) + ": the judge answers neither A nor B, or a model cannot "
                    + "be asked" + (why == null ? "" : " (last: " + (why.length() > 200 ? why.substring(0, 200) + "..." : why) + ")"));
            return Recorded.ENDED;
        }
        return Recorded.COUNTED;
    }

    /** Unclear pairs a trial tolerates: as many as it wants judged, at least 10. */
    static int mostUnclear(ShadowTrial t) {
        return Math.max(10, t.pairsWanted);
    }

    /** Ends the trials whose time is up, with what was judged. */
    @Scheduled(every = "${refinery.inference.shadow-refresh-interval:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void sweep() {
        try {
            QuarkusTransaction.requiringNew().run(() -> {
                for (String id : ShadowTrial.openEndedBy(now())) {
                    ShadowTrial.locked(id).filter(t -> t.status == ShadowTrial.Status.OPEN)
                            .ifPresent(t -> end(t, "time up after " + t.judged() + " of " + t.pairsWanted + " pairs"));
                }
            });
            refresh();
        } catch (RuntimeException e) {
            LOG.warnf("shadow trials not swept this time: %s", e.getMessage());
        }
    }

    /** Reads the open trials again (after a change here, at once; every few seconds for what other replicas changed). */
    public void refresh() {
        open = QuarkusTransaction.requiringNew().call(() -> ShadowTrial.open().stream()
                .map(t -> new Open(t.id, t.tenant, t.alias, t.challengerVersionId, t.judge, t.share))
                .collect(Collectors.toUnmodifiableMap(o -> new AliasKey(o.tenant(), o.alias()), Function.identity(), (a, b) -> a)));
    }

    private static void end(ShadowTrial t, String reason) {
        t.status = ShadowTrial.Status.ENDED;
        t.endedAt = now();
        t.endReason = reason;
        LOG.infof("shadow trial %s ended (%s): the challenger won %d, lost %d, tied %d; %d unclear", t.id, reason, t.wins, t.losses,
                t.ties, t.unclear);
    }

    static ShadowTrialView view(ShadowTrial t) {
        int decisive = t.wins + t.losses;
        Double winRate = decisive == 0 ? null : (double) t.wins / decisive;
        return new ShadowTrialView(t.id, t.alias, t.challengerVersionId, t.judge, t.share, t.pairsWanted, t.status.name(), t.wins,
                t.losses, t.ties, t.unclear, winRate, t.startedAt, t.endsAt, t.endedAt, t.endReason);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
