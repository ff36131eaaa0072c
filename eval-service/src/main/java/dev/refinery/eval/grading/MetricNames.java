package dev.refinery.eval.grading;

import dev.refinery.engine.eval.Metrics;
import dev.refinery.kit.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;

/**
 * The one check of a metric a person names, in a policy or an evaluation: a text metric the engine scores
 * ({@link Metrics#TEXT_METRICS}), or a grader of the project ({@code grader:<name>} or {@code grader:<name>@<version>}).
 * Evaluations pin a grader to its exact version when they are recorded, so that a re-run judges the same way; a policy keeps
 * the name as given, so that each evaluation takes the grader's newest version unless the policy pins one.
 */
@ApplicationScoped
public class MetricNames {

    /** The text metrics an evaluation can score a conversation's reply on. */
    public static final List<String> TEXT_METRICS = Metrics.TEXT_METRICS;

    @Inject
    Graders graders;

    /**
     * {@code metric} as an evaluation scores it: a text metric as it is, a grader as the version it names now.
     *
     * @param codePrefix {@code EVAL} or {@code POLICY}: the error code is {@code <prefix>_METRIC_UNKNOWN} or
     *                   {@code <prefix>_GRADER_UNKNOWN}
     * @throws ApiException 400 naming {@code field}
     */
    public String pinned(String tenant, String metric, String codePrefix, String field) {
        if (Graders.isGrader(metric)) {
            return graders.resolve(tenant, metric).orElseThrow(() -> ApiException.badRequest(codePrefix + "_GRADER_UNKNOWN", "project "
                    + tenant + " has no grader " + metric.substring(Graders.PREFIX.length()) + " (POST /v1/graders makes one)")
                    .with("field", field));
        }
        if (!TEXT_METRICS.contains(metric)) {
            throw ApiException.badRequest(codePrefix + "_METRIC_UNKNOWN", "metric '" + metric + "' is not one an evaluation can score: "
                    + "use one of " + String.join(", ", TEXT_METRICS) + ", or a grader of the project as grader:<name>").with("field", field);
        }
        return metric;
    }

    /** Checks {@code metric} like {@link #pinned} and returns it as given. */
    public String requireKnown(String tenant, String metric, String codePrefix, String field) {
        pinned(tenant, metric, codePrefix, field);
        return metric;
    }
}
