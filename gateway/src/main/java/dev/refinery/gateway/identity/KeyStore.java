package dev.refinery.gateway.identity;

import dev.refinery.identity.KeyFormat;
import dev.refinery.identity.Scope;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Organizations, projects and keys in the gateway's schema; every method is one transaction. */
@ApplicationScoped
public class KeyStore {

    /** What a prefix stands for, as read at one moment: enough to check a presented key without asking again. */
    public record StoredKey(byte[] secretHash, Identity identity, OffsetDateTime expiresAt, OffsetDateTime revokedAt) {
    }

    @Transactional
    public Optional<StoredKey> byPrefix(String prefix) {
        return ApiKey.byPrefix(prefix).map(k -> {
            Project p = Project.findById(k.projectId);
            Identity identity = new Identity(k.id, k.prefix, k.projectId, p.organizationId, Scope.parse(k.scope).orElseThrow(),
                    k.requestsPerMinute);
            return new StoredKey(k.secretHash, identity, k.expiresAt, k.revokedAt);
        });
    }

    @Transactional
    public ApiKey insert(String project, String name, Scope scope, OffsetDateTime expiresAt, Integer requestsPerMinute, String plaintext,
                         String createdBy) {
        ApiKey key = new ApiKey();
        key.id = "key-" + UUID.randomUUID().toString().replace("-", "");
        key.projectId = project;
        key.prefix = KeyFormat.prefixOf(plaintext).orElseThrow();
        key.secretHash = KeyFormat.hash(plaintext);
        key.scope = scope.wireName();
        key.name = name;
        key.createdAt = now();
        key.createdBy = createdBy;
        key.expiresAt = expiresAt;
        key.requestsPerMinute = requestsPerMinute;
        key.persist();
        return key;
    }

    /** The keys of a project, newest first. */
    @Transactional
    public List<ApiKey> keysOf(String project) {
        return ApiKey.list("projectId = ?1 order by createdAt desc", project);
    }

    /** Marks a key of {@code projectOrAny} (null: any project) revoked (again is fine); 404 for another project's, as for none. */
    @Transactional
    public ApiKey revoke(String keyId, String projectOrAny) {
        ApiKey key = ApiKey.findById(keyId);
        if (key == null || (projectOrAny != null && !projectOrAny.equals(key.projectId))) {
            throw ApiException.notFound("KEY_NOT_FOUND", "no API key " + keyId);
        }
        if (key.revokedAt == null) {
            key.revokedAt = now();
        }
        return key;
    }

    @Transactional
    public Optional<String> organizationOf(String project) {
        return Project.<Project>findByIdOptional(project).map(p -> p.organizationId);
    }

    @Transactional
    public List<Project> allProjects() {
        return Project.list("order by id");
    }

    @Transactional
    public Optional<Project> project(String id) {
        return Project.findByIdOptional(id);
    }

    /** Creates a project (and its organization, if new); 409 when the id is taken, by any organization (ids are global). */
    @Transactional
    public Project createProject(String id, String organization) {
        if (Project.findById(id) != null) {
            throw ApiException.conflict("PROJECT_EXISTS", "a project " + id + " exists already; project ids are unique across the deployment")
                    .with("field", "id");
        }
        ensureOrganization(organization);
        Project p = new Project();
        p.id = id;
        p.organizationId = organization;
        p.createdAt = now();
        p.persist();
        return p;
    }

    /** {@code createdBy} of the bootstrap key: made from configuration, not by another key. */
    static final String CONFIGURATION = "configuration";

    /**
     * The bootstrap key as configuration gives it: organization and project {@code default}, and the key with scope admin
     * (added once; a key with the same prefix and another secret is replaced). Every other key made from configuration is
     * revoked: changing the setting changes the key, it does not add a second one.
     */
    @Transactional
    public void ensureBootstrapKey(String plaintext) {
        ensureOrganization(Projects.DEFAULT);
        if (Project.findById(Projects.DEFAULT) == null) {
            Project p = new Project();
            p.id = Projects.DEFAULT;
            p.organizationId = Projects.DEFAULT;
            p.createdAt = now();
            p.persist();
        }
        String prefix = KeyFormat.prefixOf(plaintext).orElseThrow();
        Optional<ApiKey> existing = ApiKey.byPrefix(prefix);
        if (existing.isPresent() && KeyFormat.matches(plaintext, existing.get().secretHash)) {
            existing.get().revokedAt = null; // configured again after another one
        } else {
            existing.ifPresent(ApiKey::delete);
            ApiKey.flush();
            insert(Projects.DEFAULT, "bootstrap (refinery.auth.bootstrap-key)", Scope.ADMIN, null, null, plaintext, CONFIGURATION);
        }
        revokeBootstrapKeysOtherThan(prefix);
    }

    /** Revokes the keys made from configuration except the one with {@code prefix} (none: all of them). */
    @Transactional
    public void revokeBootstrapKeysOtherThan(String prefix) {
        ApiKey.update("revokedAt = ?1 where createdBy = ?2 and prefix <> ?3 and revokedAt is null", now(), CONFIGURATION,
                prefix == null ? "" : prefix);
    }

    private static void ensureOrganization(String id) {
        if (Organization.findById(id) == null) {
            Organization o = new Organization();
            o.id = id;
            o.createdAt = now();
            o.persist();
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
