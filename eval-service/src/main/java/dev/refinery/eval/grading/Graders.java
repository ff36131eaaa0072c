package dev.refinery.eval.grading;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.eval.inference.InferenceClient;
import dev.refinery.eval.repository.Grader;
import dev.refinery.eval.service.AnswerScorer;
import dev.refinery.eval.service.ModelEndpoints;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A project's graders: named, versioned checks used as evaluation metrics and promotion gates by the name
 * {@code grader:<name>} (the newest version when the evaluation is asked for) or {@code grader:<name>@<version>}. An
 * evaluation records the version it used.
 */
@ApplicationScoped
public class Graders {

    public static final String PREFIX = "grader:";
    public static final Pattern NAME = Pattern.compile("^[a-z][a-z0-9_-]{0,63}$");
    private static final Pattern REFERENCE = Pattern.compile("^grader:([a-z][a-z0-9_-]{0,63})(?:@([1-9][0-9]{0,8}))?$");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    ModelEndpoints endpoints;

    @Inject
    InferenceClient inference;

    public static boolean isGrader(String metric) {
        return metric != null && metric.startsWith(PREFIX);
    }

    /** A new version of grader {@code name} (version 1 when it is new). */
    @Transactional
    public Grader create(String tenant, String name, String kindName, JsonNode config, String actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("GRADER_NAME_INVALID", "'" + name + "' is not a grader name: 1 to 64 lowercase letters, digits, "
                    + "'_' or '-', starting with a letter").with("field", "name");
        }
        GraderKind kind = GraderKind.named(kindName).orElseThrow(() -> ApiException.badRequest("GRADER_KIND_UNKNOWN", "kind '" + kindName
                + "' is not one of " + String.join(", ", GraderKind.names())).with("field", "kind"));
        GraderConfigs.validate(kind, config);
        if (kind == GraderKind.PAIRWISE_JUDGE && !endpoints.configured(config.get("backend").asText())) {
            throw GraderConfigs.invalid("config.backend", "this service cannot ask a judge on " + config.get("backend").asText()
                    + ": set " + endpoints.setting(config.get("backend").asText()));
        }
        Grader g = new Grader();
        g.id = "gr-" + UUID.randomUUID().toString().replace("-", "");
        g.tenant = tenant;
        g.name = name;
        g.version = Grader.latest(tenant, name).map(previous -> previous.version + 1).orElse(1);
        g.kind = kind.wireName();
        g.config = config.toString();
        g.createdBy = actor;
        g.createdAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        g.persist();
        return g;
    }

    /**
     * {@code grader:<name>} or {@code grader:<name>@<version>} as the exact version it names ({@code grader:<name>@<n>}); empty
     * when the project has no such grader or version.
     */
    @Transactional
    public Optional<String> resolve(String tenant, String reference) {
        Matcher m = REFERENCE.matcher(reference == null ? "" : reference);
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Grader> g = m.group(2) == null ? Grader.latest(tenant, m.group(1))
                : Grader.version(tenant, m.group(1), Integer.parseInt(m.group(2)));
        return g.map(grader -> PREFIX + grader.name + "@" + grader.version);
    }

    /** How a resolved grader scores answers. */
    @Transactional
    public AnswerScorer scorer(String tenant, String resolved) {
        Matcher m = REFERENCE.matcher(resolved);
        if (!m.matches() || m.group(2) == null) {
            throw new IllegalArgumentException("not a resolved grader reference: " + resolved);
        }
        Grader g = Grader.version(tenant, m.group(1), Integer.parseInt(m.group(2))).orElseThrow(() ->
                new dev.refinery.eval.service.EvaluationFailure("EVAL_GRADER_MISSING", "grader " + resolved + " no longer exists"));
        GraderKind kind = GraderKind.named(g.kind).orElseThrow();
        JsonNode config = config(g);
        if (kind == GraderKind.PAIRWISE_JUDGE) {
            return new PairwiseJudge(resolved, tenant, endpoints.endpoint(tenant, config.get("backend").asText(), config.get("model").asText()),
                    config.path("instructions").asText(null), inference);
        }
        return CodeGrader.of(kind, config);
    }

    @Transactional
    public List<Grader> newest(String tenant) {
        return Grader.newestOfEach(tenant);
    }

    /** Every version of {@code name}, newest first; 404 when the project has none. */
    @Transactional
    public List<Grader> versions(String tenant, String name) {
        List<Grader> versions = Grader.versions(tenant, name);
        if (versions.isEmpty()) {
            throw ApiException.notFound("GRADER_NOT_FOUND", "no grader " + name);
        }
        return versions;
    }

    public static JsonNode config(Grader g) {
        try {
            return JSON.readTree(g.config);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored config of grader " + g.name + "@" + g.version + " is not JSON", e);
        }
    }
}
