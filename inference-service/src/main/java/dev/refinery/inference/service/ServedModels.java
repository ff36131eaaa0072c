package dev.refinery.inference.service;

import dev.refinery.identity.Tenants;
import dev.refinery.inference.events.ModelArtifact;
import dev.refinery.inference.events.ModelPromoted;
import dev.refinery.inference.events.ModelRegistered;
import dev.refinery.inference.repository.ServedAlias;
import dev.refinery.inference.repository.ServedVersion;
import dev.refinery.kit.events.MalformedEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.Set;

/**
 * Keeps the read model of what can be served: every version the registry announced (model-registered) and which version
 * each alias names (model-promoted, which also carries the version's model, so an alias is servable even when its
 * version's model-registered has not arrived yet: the two topics are not ordered with each other).
 */
@ApplicationScoped
public class ServedModels {

    private static final Logger LOG = Logger.getLogger(ServedModels.class);
    /** Where training-service keeps artifacts: a key elsewhere would make this service read what is not a model. */
    private static final String ARTIFACT_PREFIX = "jobs/";
    private static final Set<String> ARTIFACT_TYPES = Set.of("lora-adapter", "full-model", "provider-model");

    @Inject
    EntityManager em;

    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(ModelRegistered e) {
        requireVersion(e.modelVersionId(), e.baseModel(), e.backend(), e.artifact(), e.registeredAt(), "model-registered");
        lockVersion(e.modelVersionId());
        ServedVersion v = upsert(Tenants.ofEvent(e.tenant()), e.modelVersionId(), e.jobId(), e.baseModel(), e.backend(), e.artifact(),
                e.registeredAt());
        v.registeredAt = e.registeredAt(); // a promotion that came first only knew when it was promoted
        if (e.name() != null && !e.name().isBlank()) {
            v.name = e.name();
        }
        LOG.infof("version %s of tenant %s servable (%s, %s)", v.id, v.tenant, v.name, v.artifactType);
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void apply(ModelPromoted e) {
        ModelPromoted.Model m = e.model();
        if (m == null || e.alias() == null || e.alias().isBlank()) {
            throw new MalformedEventException("model-promoted without its alias or model");
        }
        requireVersion(e.modelVersionId(), m.baseModel(), m.backend(), m.artifact(), e.promotedAt(), "model-promoted");
        String tenant = Tenants.ofEvent(e.tenant());
        lockVersion(e.modelVersionId());
        ServedVersion v = ServedVersion.findById(e.modelVersionId());
        if (v == null) {
            upsert(tenant, e.modelVersionId(), m.jobId(), m.baseModel(), m.backend(), m.artifact(), e.promotedAt());
        }
        ServedAlias alias = ServedAlias.<ServedAlias>findByIdOptional(new ServedAlias.Key(tenant, e.alias())).orElse(null);
        if (alias != null && alias.changedAt.isAfter(e.promotedAt())) {
            return; // a later change of the alias is already applied
        }
        if (alias == null) {
            alias = new ServedAlias();
            alias.key = new ServedAlias.Key(tenant, e.alias());
        }
        alias.versionId = e.modelVersionId();
        alias.changedAt = e.promotedAt();
        alias.persist();
        LOG.infof("alias %s of tenant %s now serves %s (%s)", e.alias(), tenant, e.modelVersionId(), e.action());
    }

    /**
     * The two topics are consumed side by side, and both may create the version's row: the version's transaction-scoped
     * advisory lock makes the second wait for the first and then find the row.
     */
    private void lockVersion(String id) {
        em.createNativeQuery("SELECT pg_advisory_xact_lock(hashtext(?1))").setParameter(1, "served-version/" + id).getSingleResult();
    }

    /** What a promotion's version is, to serve. */
    public ServedTarget target(ModelPromoted e) {
        ModelPromoted.Model m = e.model();
        ServedTarget.Kind kind = switch (m.artifact().type()) {
            case "lora-adapter" -> ServedTarget.Kind.ADAPTER;
            case "full-model" -> ServedTarget.Kind.FULL_MODEL;
            default -> ServedTarget.Kind.HOSTED;
        };
        return new ServedTarget(e.modelVersionId(), e.modelVersionId(), m.baseModel(), kind, m.artifact().bucket(), m.artifact().key(),
                m.backend(), m.artifact().providerModel());
    }

    private static ServedVersion upsert(String tenant, String id, String jobId, String baseModel, String backend, ModelArtifact artifact,
                                        OffsetDateTime at) {
        ServedVersion v = ServedVersion.findById(id);
        if (v == null) {
            v = new ServedVersion();
            v.id = id;
            v.registeredAt = at;
        }
        v.tenant = tenant;
        v.jobId = jobId;
        v.baseModel = baseModel;
        v.backend = backend;
        v.artifactType = artifact.type();
        v.bucket = artifact.bucket();
        v.artifactKey = artifact.key();
        v.providerModel = artifact.providerModel();
        if (v.name == null) {
            v.name = jobId != null ? baseModel + "+" + jobId : artifact.providerModel() != null
                    ? artifact.providerModel() + "@" + backend.substring(backend.indexOf(':') + 1) : id;
        }
        v.persist();
        return v;
    }

    private static void requireVersion(String id, String baseModel, String backend, ModelArtifact artifact, OffsetDateTime at, String event) {
        if (id == null || !ServedVersion.ID.matcher(id).matches() || baseModel == null || baseModel.isBlank() || backend == null
                || backend.isBlank() || at == null || artifact == null || !ARTIFACT_TYPES.contains(artifact.type())
                || (artifact.providerModel() == null && (artifact.bucket() == null || artifact.key() == null
                || !artifact.key().startsWith(ARTIFACT_PREFIX) || artifact.key().contains("..")))) {
            throw new MalformedEventException(event + " breaks its contract: version " + id + ", base model " + baseModel + ", backend "
                    + backend + ", artifact " + artifact + ", time " + at);
        }
    }
}
