package dev.refinery.training.service;

import dev.refinery.kit.problem.ApiException;
import dev.refinery.providers.spi.Capabilities;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.training.backend.Backends;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.mapping.PipelineMapper;
import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.BudgetPeriod;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineDriftCheck;
import dev.refinery.training.repository.PipelineRun;
import dev.refinery.training.rest.PipelineRequest;
import dev.refinery.training.rest.PipelineTemplate;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A project's pipelines: created with every field checked (a mistake costs a 400 naming the field, not a failed run later),
 * listed, paused and resumed by a person, and run by hand on a version. Another project's pipeline answers exactly like one
 * that does not exist.
 */
@ApplicationScoped
public class Pipelines {

    private static final Logger LOG = Logger.getLogger(Pipelines.class);
    private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9._-]{1,100}$");
    private static final Pattern COLLECTION_ID = Pattern.compile("^col-[0-9a-f]{32}$");
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final int MOST_ATTEMPTS = 5;
    private static final int DEFAULT_ATTEMPTS = 2;
    private static final Duration SHORTEST_SCHEDULE = Duration.ofSeconds(5);
    private static final int DEFAULT_SHADOW_PAIRS = 50;
    private static final int MOST_SHADOW_PAIRS = 10_000;
    private static final double DEFAULT_SHADOW_WIN_RATE = 0.5;
    private static final Duration DEFAULT_SHADOW_WITHIN = Duration.ofDays(1);
    /** A few seconds is for tests and demos; a real phase lasts hours. */
    private static final Duration SHORTEST_SHADOW = Duration.ofSeconds(5);
    private static final Duration LONGEST_SHADOW = Duration.ofDays(30);
    private static final Duration LONGEST_SCHEDULE = Duration.ofDays(366);

    @Inject
    PipelineRuns runs;

    @Inject
    CollectionLookup collections;

    @Inject
    TrainingSettings settings;

    @Transactional
    public Pipeline create(String tenant, PipelineRequest body, String createdBy) {
        if (body == null) {
            throw invalid("name", "send {\"name\", \"collectionId\", \"template\": {...}}");
        }
        requireName(body.name());
        if (body.collectionId() == null || !COLLECTION_ID.matcher(body.collectionId()).matches()) {
            throw invalid("collectionId", "collectionId is a collection's id (col- followed by 32 hex digits)");
        }
        Pipeline p = new Pipeline();
        p.id = "pl-" + UUID.randomUUID().toString().replace("-", "");
        p.tenant = tenant;
        p.name = body.name();
        p.collectionId = body.collectionId();
        apply(p, body);
        p.status = Pipeline.Status.ACTIVE;
        p.createdBy = createdBy;
        p.createdAt = now();
        p.updatedAt = p.createdAt;
        p.nextScheduledAt = p.triggerOn == Pipeline.TriggerOn.SCHEDULE ? p.createdAt.plus(Duration.parse(p.scheduleEvery)) : null;
        collections.requireOwn(tenant, body.collectionId()); // every field is checked before another service is asked
        if (p.dpoCollectionId != null) {
            collections.requireOwn(tenant, p.dpoCollectionId, "dpoStage.collectionId");
        }
        if (Pipeline.count("tenant = ?1 and name = ?2", tenant, p.name) > 0) {
            throw nameTaken(p.name);
        }
        try {
            p.persist();
            Pipeline.flush(); // a create of the same name at the same moment fails here, on the unique constraint
        } catch (jakarta.persistence.PersistenceException raced) {
            throw nameTaken(p.name);
        }
        LOG.infof("pipeline %s (%s) of %s created on collection %s by %s", p.name, p.id, tenant, p.collectionId, createdBy);
        return p;
    }

    /**
     * Replaces a pipeline's settings with {@code body} (the body of a create; {@code collectionId} may be left out, and cannot
     * change). Checked exactly as a create, all or nothing. A run under way goes on; its next attempt, and every later run,
     * take the new settings. A schedule starts again from now.
     */
    @Transactional
    public Pipeline update(String tenant, String id, PipelineRequest body) {
        Pipeline p = Pipeline.locked(get(tenant, id).id);
        if (body == null) {
            throw invalid("name", "send the pipeline's settings as for a create: {\"name\", \"template\": {...}, ...}");
        }
        requireName(body.name());
        if (body.collectionId() != null && !body.collectionId().equals(p.collectionId)) {
            throw invalid("collectionId", "a pipeline stays on its collection " + p.collectionId + "; create another pipeline for "
                    + body.collectionId());
        }
        if (Pipeline.count("tenant = ?1 and name = ?2 and id <> ?3", tenant, body.name(), p.id) > 0) {
            throw nameTaken(body.name());
        }
        Pipeline.TriggerOn trigger = p.triggerOn;
        String every = p.scheduleEvery;
        String dpoCollection = p.dpoCollectionId;
        apply(p, body);
        if (p.triggerOn != Pipeline.TriggerOn.SCHEDULE) {
            p.nextScheduledAt = null;
        } else if (trigger != Pipeline.TriggerOn.SCHEDULE || !p.scheduleEvery.equals(every)) {
            p.nextScheduledAt = now().plus(Duration.parse(p.scheduleEvery));
        }
        if (p.dpoCollectionId != null && !p.dpoCollectionId.equals(dpoCollection)) {
            collections.requireOwn(tenant, p.dpoCollectionId, "dpoStage.collectionId");
        }
        p.updatedAt = now();
        try {
            Pipeline.flush();
        } catch (jakarta.persistence.PersistenceException raced) {
            throw nameTaken(p.name);
        }
        LOG.infof("pipeline %s (%s) of %s changed", p.name, p.id, tenant);
        return p;
    }

    /** Every setting of {@code body} into {@code p}, each checked; a bad one is a 400 naming its field, before anything is kept. */
    private void apply(Pipeline p, PipelineRequest body) {
        PipelineTemplate template = checked(body.template());
        p.name = body.name();
        p.template = PipelineMapper.templateJson(template);
        p.continueFrom = choice(body.continueFrom(), "continueFrom", Pipeline.ContinueFrom.class, Pipeline.ContinueFrom.CHAMPION);
        p.maxAttempts = body.maxAttempts() == null ? DEFAULT_ATTEMPTS : body.maxAttempts();
        if (p.maxAttempts < 1 || p.maxAttempts > MOST_ATTEMPTS) {
            throw invalid("maxAttempts", "maxAttempts is 1 to " + MOST_ATTEMPTS + ", not " + p.maxAttempts);
        }
        p.budgetUsd = null;
        p.budgetPeriod = BudgetPeriod.MONTH;
        if (body.budget() != null) {
            if (body.budget().usd() == null || body.budget().usd().signum() <= 0 || body.budget().usd().compareTo(new BigDecimal("1000000")) > 0) {
                throw invalid("budget.usd", "budget.usd is a positive amount in US dollars, at most 1000000");
            }
            p.budgetUsd = body.budget().usd();
            p.budgetPeriod = choice(body.budget().period(), "budget.period", BudgetPeriod.class, BudgetPeriod.MONTH);
        }
        boolean priced = Backends.capabilities(template.backend() == null ? Backends.LOCAL : template.backend()).pricing()
                != Capabilities.Pricing.UNPRICED;
        if (!priced && (body.budget() != null || template.budgetUsd() != null)) {
            throw invalid(body.budget() != null ? "budget" : "template.budgetUsd", "a budget caps what a hosted provider bills; the "
                    + (template.backend() == null ? Backends.LOCAL : template.backend()) + " backend trains on hardware the deployment "
                    + "already has and is not priced, so its jobs cannot be capped");
        }
        trigger(p, body.trigger());
        dpoStage(p, template, body.dpoStage());
        shadow(p, template, body.shadow());
    }

    private static void requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw invalid("name", "name is 1 to 100 letters, digits, '.', '_' or '-'");
        }
    }

    @Transactional
    public List<Pipeline> list(String tenant) {
        return Pipeline.ofTenant(tenant);
    }

    @Transactional
    public Pipeline get(String tenant, String id) {
        return Pipeline.owned(tenant, id).orElseThrow(() -> ApiException.notFound("PIPELINE_NOT_FOUND", "no pipeline " + id + " in this project"));
    }

    @Transactional
    public List<PipelineRun> runs(String tenant, String id, int limit) {
        return PipelineRun.ofPipeline(get(tenant, id).id, Math.max(1, Math.min(limit, 200)));
    }

    @Transactional
    public Optional<PipelineRun> lastRun(String pipelineId) {
        return PipelineRun.ofPipeline(pipelineId, 1).stream().findFirst();
    }

    @Transactional
    public Optional<PipelineDriftCheck> lastDriftCheck(String pipelineId) {
        return PipelineDriftCheck.latest(pipelineId);
    }

    /**
     * Nothing new starts until it is resumed: no queued run, no next attempt, no DPO stage; a job under way goes on to its end,
     * and a run whose last job is done is still evaluated and decided.
     */
    @Transactional
    public Pipeline pause(String tenant, String id, String by) {
        Pipeline p = Pipeline.locked(get(tenant, id).id);
        if (p.status == Pipeline.Status.ACTIVE) {
            p.status = Pipeline.Status.PAUSED;
            p.pauseReason = "paused by " + by;
            p.updatedAt = now();
        }
        return p;
    }

    /** Active again: its queued run (the newest) starts at the next sweep. */
    @Transactional
    public Pipeline resume(String tenant, String id) {
        Pipeline p = Pipeline.locked(get(tenant, id).id);
        p.status = Pipeline.Status.ACTIVE;
        p.pauseReason = null;
        p.updatedAt = now();
        return p;
    }

    /** A run by hand on {@code datasetId} (a VALID version of the pipeline's collection), or on the collection's newest. */
    @Transactional
    public PipelineRun runByHand(String tenant, String id, String datasetId) {
        Pipeline p = get(tenant, id);
        Dataset version;
        if (datasetId == null) {
            version = Dataset.newestOfCollection(tenant, p.collectionId).orElseThrow(() -> ApiException.conflict("PIPELINE_NO_VERSION",
                    "collection " + p.collectionId + " has no validated version yet: seal one first"));
        } else {
            if (!DATASET_ID.matcher(datasetId).matches()) {
                throw invalid("datasetId", "'" + datasetId + "' is not a dataset id (ds- followed by 32 hex digits)");
            }
            version = Optional.<Dataset>ofNullable(Dataset.findById(datasetId))
                    .filter(d -> d.tenant.equals(tenant) && p.collectionId.equals(d.collectionId))
                    .orElseThrow(() -> ApiException.badRequest("PIPELINE_VERSION_UNKNOWN", "no validated version " + datasetId
                            + " of collection " + p.collectionId + " in this project").with("field", "datasetId"));
            if (!version.isValid()) {
                throw ApiException.badRequest("PIPELINE_VERSION_INVALID", "dataset " + datasetId + " is " + version.status
                        + "; a run trains on a VALID version").with("field", "datasetId");
            }
        }
        return runs.queue(p, version.id, PipelineRun.Trigger.MANUAL);
    }

    private void trigger(Pipeline p, PipelineRequest.Trigger trigger) {
        p.scheduleEvery = null;
        p.driftMargin = null;
        p.triggerOn = choice(trigger == null ? null : trigger.on(), "trigger.on", Pipeline.TriggerOn.class, Pipeline.TriggerOn.VERSION);
        String every = trigger == null ? null : trigger.every();
        Double margin = trigger == null ? null : trigger.margin();
        if (p.triggerOn == Pipeline.TriggerOn.SCHEDULE) {
            p.scheduleEvery = scheduleEvery(every).toString();
        } else if (every != null) {
            throw invalid("trigger.every", "trigger.every is the schedule's period: set it with trigger.on schedule");
        }
        if (p.triggerOn == Pipeline.TriggerOn.DRIFT) {
            if (margin == null || margin < 0 || margin > 1 || margin.isNaN()) {
                throw invalid("trigger.margin", "trigger.margin is how far (0 to 1, in the policy metric's units) the champion's score on a "
                        + "new version may fall below the score it was promoted on before a run starts, e.g. 0.05");
            }
            if (settings.pipelines().evalUrl().isEmpty()) {
                throw invalid("trigger.on", "the drift trigger asks eval-service to score the champion, and this deployment does not "
                        + "say where eval-service is (refinery.training.pipelines.eval-url)");
            }
            p.driftMargin = margin;
        } else if (margin != null) {
            throw invalid("trigger.margin", "trigger.margin is the drift trigger's: set it with trigger.on drift");
        }
    }

    /** The shadow phase's settings, each checked; none: runs are promoted on their evaluation alone. */
    private void shadow(Pipeline p, PipelineTemplate template, PipelineRequest.Shadow shadow) {
        p.shadowShare = null;
        p.shadowPairs = null;
        p.shadowMinWinRate = null;
        p.shadowWithin = null;
        p.shadowJudge = null;
        if (shadow == null) {
            return;
        }
        if (settings.pipelines().inferenceUrl().isEmpty() || settings.pipelines().evalUrl().isEmpty()) {
            throw invalid("shadow", "a shadow phase asks inference-service to share live traffic and eval-service to promote, and this "
                    + "deployment does not say where they are (refinery.training.pipelines.inference-url and eval-url)");
        }
        if (template.evaluation() != null && Boolean.FALSE.equals(template.evaluation().promote())) {
            throw invalid("shadow", "template.evaluation.promote false means a person promotes every run; a shadow phase decides the "
                    + "promotion on live traffic: choose one");
        }
        if (shadow.share() == null || shadow.share().isNaN() || shadow.share() <= 0 || shadow.share() > 1) {
            throw invalid("shadow.share", "shadow.share is the share of the champion's live requests the challenger answers too, "
                    + "more than 0 and at most 1, e.g. 0.1");
        }
        int pairs = shadow.pairs() == null ? DEFAULT_SHADOW_PAIRS : shadow.pairs();
        if (pairs < 1 || pairs > MOST_SHADOW_PAIRS) {
            throw invalid("shadow.pairs", "shadow.pairs is 1 to " + MOST_SHADOW_PAIRS + " judged pairs, not " + pairs);
        }
        double minWinRate = shadow.minWinRate() == null ? DEFAULT_SHADOW_WIN_RATE : shadow.minWinRate();
        if (Double.isNaN(minWinRate) || minWinRate < 0 || minWinRate > 1) {
            throw invalid("shadow.minWinRate", "shadow.minWinRate is 0 to 1 (wins / (wins + losses); ties decide nothing), e.g. 0.5");
        }
        Duration within;
        try {
            within = shadow.within() == null ? DEFAULT_SHADOW_WITHIN : Duration.parse(shadow.within().strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw invalid("shadow.within", "shadow.within '" + shadow.within() + "' is not an ISO-8601 duration such as PT12H");
        }
        if (within.compareTo(SHORTEST_SHADOW) < 0 || within.compareTo(LONGEST_SHADOW) > 0) {
            throw invalid("shadow.within", "shadow.within is " + SHORTEST_SHADOW + " to " + LONGEST_SHADOW + ", not " + within);
        }
        if (shadow.judge() == null || shadow.judge().isBlank() || shadow.judge().length() > 300) {
            throw invalid("shadow.judge", "shadow.judge is the model that judges the pairs, as a chat request names it, e.g. "
                    + "together:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo");
        }
        p.shadowShare = shadow.share();
        p.shadowPairs = pairs;
        p.shadowMinWinRate = minWinRate;
        p.shadowWithin = within.toString();
        p.shadowJudge = shadow.judge().strip();
    }

    private static Duration scheduleEvery(String every) {
        if (every == null) {
            throw invalid("trigger.every", "trigger.every is how often a scheduled pipeline looks for a new version: an ISO-8601 "
                    + "duration such as PT1H or P1D");
        }
        Duration d;
        try {
            d = Duration.parse(every.strip());
        } catch (java.time.format.DateTimeParseException e) {
            throw invalid("trigger.every", "trigger.every '" + every + "' is not an ISO-8601 duration such as PT1H or P1D");
        }
        if (d.compareTo(SHORTEST_SCHEDULE) < 0 || d.compareTo(LONGEST_SCHEDULE) > 0) {
            throw invalid("trigger.every", "trigger.every is " + SHORTEST_SCHEDULE + " to " + LONGEST_SCHEDULE + ", not " + d);
        }
        return d;
    }

    private static void dpoStage(Pipeline p, PipelineTemplate template, PipelineRequest.DpoStage stage) {
        p.dpoCollectionId = null;
        p.dpoHyperparameters = null;
        if (stage == null) {
            return;
        }
        if (stage.collectionId() == null || !COLLECTION_ID.matcher(stage.collectionId()).matches()) {
            throw invalid("dpoStage.collectionId", "dpoStage.collectionId is a collection of preference pairs (col- followed by 32 hex digits)");
        }
        if (stage.collectionId().equals(p.collectionId)) {
            throw invalid("dpoStage.collectionId", "dpoStage.collectionId is a collection of preference pairs, not the pipeline's own "
                    + "collection (a collection holds one format)");
        }
        if (template.method() != null && !template.method().equalsIgnoreCase("sft")) {
            throw invalid("dpoStage", "a DPO stage follows an SFT job: template.method is sft with a dpoStage");
        }
        String backend = template.backend() == null ? Backends.LOCAL : template.backend();
        if (!Backends.capabilities(backend).methods().contains(TrainingMethod.DPO)) {
            throw invalid("dpoStage", "the " + backend + " backend does not train DPO");
        }
        List<FieldViolation> violations = SpecJson.read(stage.hyperparameters()).violations();
        if (!violations.isEmpty()) {
            FieldViolation first = violations.get(0);
            throw invalid(nested("dpoStage.hyperparameters", first.field()), first.message() + " (allowed: " + first.allowed() + ")");
        }
        p.dpoCollectionId = stage.collectionId();
        p.dpoHyperparameters = stage.hyperparameters() == null ? null : stage.hyperparameters().toString();
    }

    /** The template, with each field checked the way a job's are that can be checked without a dataset. */
    private static PipelineTemplate checked(PipelineTemplate t) {
        if (t == null) {
            throw invalid("template", "template is the job to train on each version: {\"baseModel\", \"backend\", \"method\", "
                    + "\"hyperparameters\"}");
        }
        if (t.backend() != null && !Backends.isKnown(t.backend())) {
            throw invalid("template.backend", "template.backend is one of " + String.join(", ", Backends.ALL) + ", not '" + t.backend() + "'");
        }
        if (t.method() != null && !List.of("sft", "dpo").contains(t.method().toLowerCase(Locale.ROOT))) {
            throw invalid("template.method", "template.method is sft or dpo, not '" + t.method() + "'");
        }
        List<FieldViolation> violations = SpecJson.read(t.hyperparameters()).violations();
        if (!violations.isEmpty()) {
            FieldViolation first = violations.get(0);
            throw invalid(nested("template.hyperparameters", first.field()), first.message() + " (allowed: " + first.allowed() + ")");
        }
        if (t.budgetUsd() != null && t.budgetUsd().signum() <= 0) {
            throw invalid("template.budgetUsd", "template.budgetUsd is a positive amount in US dollars");
        }
        List<FieldViolation> evaluation = EvaluationChecks.violations(t.evaluation(), null);
        if (!evaluation.isEmpty()) {
            throw invalid("template." + evaluation.get(0).field(), evaluation.get(0).message());
        }
        if (t.evaluation() != null && t.evaluation().datasetId() != null) {
            throw invalid("template.evaluation.datasetId", "a pipeline's runs are evaluated on their version's frozen test set; "
                    + "template.evaluation.datasetId cannot change that");
        }
        if (t.evaluation() != null && !t.evaluation().evaluates()) {
            throw invalid("template.evaluation.enabled", "a pipeline decides on each run's evaluation; it cannot be switched off");
        }
        return t;
    }

    private static <E extends Enum<E>> E choice(String value, String field, Class<E> type, E fallback) {
        if (value == null) {
            return fallback;
        }
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        throw invalid(field, field + " is one of " + java.util.Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).toList() + ", not '" + value + "'");
    }

    /** A setting's field under {@code object}; a violation of the whole object (not an object at all) is the object's own. */
    private static String nested(String object, String field) {
        return field.equals("hyperparameters") ? object : object + "." + field;
    }

    private static ApiException nameTaken(String name) {
        return ApiException.conflict("PIPELINE_NAME_TAKEN", "the project has a pipeline named '" + name + "' already").with("field", "name");
    }

    private static ApiException invalid(String field, String detail) {
        return ApiException.badRequest("PIPELINE_FIELD_INVALID", detail).with("field", field);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
