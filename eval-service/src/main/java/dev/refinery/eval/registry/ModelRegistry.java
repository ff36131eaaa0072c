package dev.refinery.eval.registry;

import dev.refinery.eval.events.ModelArtifact;
import dev.refinery.eval.events.ModelPromoted;
import dev.refinery.eval.events.ModelRegistered;
import dev.refinery.eval.repository.ArtifactType;
import dev.refinery.eval.repository.ModelAlias;
import dev.refinery.eval.repository.ModelVersion;
import dev.refinery.eval.service.ModelEndpoints;
import dev.refinery.eval.repository.Promotion;
import dev.refinery.kit.outbox.Outbox;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The model registry: the versions succeeded jobs produced, each project's aliases for them, and every change of an alias
 * (who, when, why, from which version). A change of an alias is announced ({@code model-promoted}, through the outbox, in
 * the transaction that makes it). Changes of one alias are serialised by a transaction-scoped advisory lock, so two
 * promotions at once never lose one another's history.
 */
@ApplicationScoped
public class ModelRegistry {

    public static final Pattern VERSION_ID = Pattern.compile("^mv-[0-9a-f]{32}$");
    public static final Pattern ALIAS = Pattern.compile("^[a-z][a-z0-9-]{0,63}$");
    /** The actor of a promotion the policy made. */
    public static final String AUTOMATIC_ACTOR = "eval-service";
    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    @Inject
    Outbox outbox;

    @Inject
    EntityManager em;

    /** What a succeeded job produced, as the registry records it. */
    public record Produced(String tenant, String jobId, String datasetId, String baseModel, String backend, ArtifactType type,
                           String bucket, String key, String providerModel) {
    }

    /** Records the job's model version (once: a re-announced job gets the version it already has). */
    @Transactional(Transactional.TxType.MANDATORY)
    public ModelVersion register(Produced p, String sourceEventId) {
        Optional<ModelVersion> existing = ModelVersion.ofJob(p.jobId());
        if (existing.isPresent()) {
            return existing.get();
        }
        ModelVersion v = new ModelVersion();
        v.id = "mv-" + UUID.randomUUID().toString().replace("-", "");
        v.tenant = p.tenant();
        v.jobId = p.jobId();
        v.datasetId = p.datasetId();
        v.baseModel = p.baseModel();
        v.backend = p.backend();
        v.artifactType = p.type();
        v.bucket = p.bucket();
        v.artifactKey = p.key();
        v.providerModel = p.providerModel();
        v.sourceEventId = sourceEventId;
        v.createdAt = now();
        v.persist();
        outbox.publish(ModelRegistered.TOPIC, v.id, ModelRegistered.of(v));
        LOG.infof("model version %s registered for job %s of tenant %s (%s)", v.id, v.jobId, v.tenant, v.artifactType.wireName());
        return v;
    }

    /**
     * Registers the model {@code model} that the operator's server {@code server} answers, whose base model the server answers
     * as {@code baseModel}; registering the same model of the same server again answers the version it already has (the
     * answer cache assumes a name keeps its weights: register new weights under a new name).
     *
     * @return the version, and whether it was created now
     */
    @Transactional
    public Registered registerServed(String tenant, String server, String model, String baseModel, String registeredBy) {
        String backend = ModelEndpoints.serverBackend(server);
        // Two registrations of the same model at once: the second waits for the first and finds its version.
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "served-model/" + tenant + "/" + backend + "/" + model)
                .getSingleResult();
        Optional<ModelVersion> existing = ModelVersion.served(tenant, backend, model);
        if (existing.isPresent()) {
            return new Registered(existing.get(), false);
        }
        ModelVersion v = new ModelVersion();
        v.id = "mv-" + UUID.randomUUID().toString().replace("-", "");
        v.tenant = tenant;
        v.baseModel = baseModel;
        v.backend = backend;
        v.artifactType = ArtifactType.PROVIDER_MODEL;
        v.providerModel = model;
        v.registeredBy = registeredBy;
        v.createdAt = now();
        v.persist();
        outbox.publish(ModelRegistered.TOPIC, v.id, ModelRegistered.of(v));
        LOG.infof("model version %s registered by %s for model %s of server %s (tenant %s)", v.id, registeredBy, model, server, tenant);
        return new Registered(v, true);
    }

    public record Registered(ModelVersion version, boolean created) {
    }

    /** The version {@code id} of {@code tenant}; another tenant's is not found, like one that does not exist. */
    @Transactional
    public ModelVersion version(String tenant, String id) {
        if (id == null || !VERSION_ID.matcher(id).matches()) {
            throw ApiException.badRequest("MODEL_VERSION_ID_INVALID", "'" + id + "' is not a model version id (mv- followed by 32 hex digits)")
                    .with("field", "id");
        }
        return ModelVersion.owned(tenant, id).orElseThrow(() -> ApiException.notFound("MODEL_VERSION_NOT_FOUND", "no model version " + id));
    }

    /** A version named by its id or by one of the tenant's aliases. */
    @Transactional
    public ModelVersion resolve(String tenant, String reference, String field) {
        if (reference != null && reference.startsWith("mv-")) {
            return version(tenant, reference);
        }
        requireAliasName(reference, field);
        return holder(tenant, reference).orElseThrow(() -> ApiException.notFound("MODEL_ALIAS_NOT_FOUND", "project " + tenant
                + " has no alias '" + reference + "' (aliases come from promotions)").with("field", field));
    }

    /** The version an alias names now. */
    @Transactional
    public Optional<ModelVersion> holder(String tenant, String alias) {
        return ModelAlias.of(tenant, alias).flatMap(a -> ModelVersion.<ModelVersion>findByIdOptional(a.modelVersionId));
    }

    /**
     * Points {@code alias} at {@code version} and records who did it and why. Promoting the version an alias already
     * names changes nothing and records nothing (a retried request is harmless): empty then.
     */
    @Transactional
    public Optional<Promotion> promote(ModelVersion version, String alias, String actor, String reason, boolean automatic, String evaluationId) {
        requireAliasName(alias, "alias");
        lockAlias(version.tenant, alias);
        Optional<ModelAlias> current = ModelAlias.of(version.tenant, alias);
        if (current.isPresent() && current.get().modelVersionId.equals(version.id)) {
            return Optional.empty();
        }
        return Optional.of(change(version, alias, Promotion.Kind.PROMOTE, current.map(a -> a.modelVersionId).orElse(null), actor,
                reason, automatic, evaluationId));
    }

    /**
     * Gives {@code alias} back to the version that held it before the promotion in effect, and marks that promotion undone,
     * so that a second rollback goes one step further back.
     */
    @Transactional
    public Promotion rollback(String tenant, String alias, String actor, String reason) {
        requireAliasName(alias, "alias");
        lockAlias(tenant, alias);
        ModelAlias current = ModelAlias.of(tenant, alias).orElseThrow(() -> ApiException.notFound("MODEL_ALIAS_NOT_FOUND",
                "project " + tenant + " has no alias '" + alias + "'"));
        Promotion reversed = Promotion.inEffect(tenant, alias, current.modelVersionId)
                .filter(p -> p.previousVersionId != null)
                .orElseThrow(() -> ApiException.conflict("MODEL_ALIAS_NOTHING_TO_ROLL_BACK", "alias '" + alias + "' of project " + tenant
                        + " names " + current.modelVersionId + ", and no earlier version held it before: there is nothing to roll back to"));
        reversed.undone = true;
        ModelVersion target = ModelVersion.findById(reversed.previousVersionId);
        return change(target, alias, Promotion.Kind.ROLLBACK, current.modelVersionId, actor, reason, false, null);
    }

    private Promotion change(ModelVersion version, String alias, Promotion.Kind kind, String previous, String actor, String reason,
                             boolean automatic, String evaluationId) {
        OffsetDateTime at = now();
        ModelAlias a = ModelAlias.of(version.tenant, alias).orElseGet(() -> {
            ModelAlias created = new ModelAlias();
            created.key = new ModelAlias.Key(version.tenant, alias);
            return created;
        });
        a.modelVersionId = version.id;
        a.updatedAt = at;
        a.persist();
        Promotion p = new Promotion();
        p.id = "pr-" + UUID.randomUUID().toString().replace("-", "");
        p.tenant = version.tenant;
        p.alias = alias;
        p.kind = kind;
        p.modelVersionId = version.id;
        p.previousVersionId = previous;
        p.evaluationId = evaluationId;
        p.automatic = automatic;
        p.actor = actor;
        p.reason = reason;
        p.createdAt = at;
        p.persist();
        outbox.publish(ModelPromoted.TOPIC, version.tenant + "/" + alias, event(p, version), ModelPromoted.VERSION);
        LOG.infof("alias %s of tenant %s: %s -> %s (%s by %s: %s)", alias, version.tenant, previous, version.id,
                kind.name().toLowerCase(), actor, reason);
        return p;
    }

    private static ModelPromoted event(Promotion p, ModelVersion v) {
        return new ModelPromoted(p.tenant, p.alias, p.kind.name().toLowerCase(), v.id, p.previousVersionId,
                new ModelPromoted.Model(v.baseModel, v.jobId, v.datasetId, v.backend, ModelArtifact.of(v)),
                p.automatic, p.evaluationId, p.actor, p.reason, p.createdAt);
    }

    private void lockAlias(String tenant, String alias) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "model-alias/" + tenant + "/" + alias)
                .getSingleResult();
    }

    /** The alias name when it is one; else 400 naming {@code field}. */
    public static String requireAliasName(String alias, String field) {
        if (alias == null || !ALIAS.matcher(alias).matches()) {
            throw ApiException.badRequest("MODEL_ALIAS_INVALID", "'" + alias + "' is not an alias: 1 to 64 lowercase letters, digits "
                    + "or '-', starting with a letter").with("field", field);
        }
        return alias;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }
}
