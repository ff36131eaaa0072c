package dev.refinery.training.service;

import dev.refinery.engine.eval.Metrics;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.rest.EvaluationSpec;
import io.quarkus.narayana.jta.QuarkusTransaction;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A job's {@link EvaluationSpec}, checked when the job is submitted, so that a mistake is a 400 naming the field and not an
 * evaluation that fails hours later. Choosing what the promotion policy decides on (another metric, another test set) is
 * the policy's to say, so only an admin key may ({@link EvaluationSpec#overridesPolicy}); a pipeline's runs carry what its creator, an
 * admin, chose. What can only be known by eval-service (whether a grader of that name exists) is
 * checked there: an unknown grader fails the evaluation, and the evaluation's failure says why.
 */
final class EvaluationChecks {

    /** eval-service's own rule for a grader's name (Graders.REFERENCE): lower case, 1 to 64, an optional version. */
    private static final Pattern GRADER = Pattern.compile("^grader:[a-z][a-z0-9_-]{0,63}(@[1-9][0-9]{0,8})?$");
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");
    private static final String CODE = "JOB_EVALUATION_INVALID";
    private static final int MOST_METRICS = 10;
    private static final int MOST_ITEMS = 100_000;

    private EvaluationChecks() {
    }

    static List<FieldViolation> violations(EvaluationSpec spec, String tenant) {
        List<FieldViolation> found = new ArrayList<>();
        if (spec == null) {
            return found;
        }
        if (spec.metric() != null) {
            metric(spec.metric(), "evaluation.metric", found);
        }
        if (spec.metrics() != null) {
            if (spec.metrics().size() > MOST_METRICS) {
                found.add(violation("evaluation.metrics", spec.metrics().size(), "at most " + MOST_METRICS, "evaluation.metrics names at most "
                        + MOST_METRICS + " metrics"));
            }
            for (int i = 0; i < spec.metrics().size(); i++) {
                metric(spec.metrics().get(i), "evaluation.metrics[" + i + "]", found);
            }
        }
        if (spec.maxItems() != null && (spec.maxItems() < 2 || spec.maxItems() > MOST_ITEMS)) {
            found.add(violation("evaluation.maxItems", spec.maxItems(), "2 to " + MOST_ITEMS, "evaluation.maxItems is 2 to " + MOST_ITEMS));
        }
        if (spec.datasetId() != null && tenant != null) {
            if (!DATASET_ID.matcher(spec.datasetId()).matches()) {
                found.add(violation("evaluation.datasetId", spec.datasetId(), "ds- followed by 32 hex digits", "evaluation.datasetId is a "
                        + "dataset id (ds- followed by 32 hex digits)"));
            } else {
                Dataset d = QuarkusTransaction.requiringNew().call(() -> Dataset.<Dataset>findById(spec.datasetId()));
                if (d == null || !tenant.equals(d.tenant) || !d.isValid()) {
                    found.add(violation("evaluation.datasetId", spec.datasetId(), "a VALID dataset of the project", "evaluation.datasetId "
                            + spec.datasetId() + " is not a VALID dataset of this project"));
                } else if (d.testKey == null || d.testRecords == null || d.testRecords == 0) {
                    found.add(violation("evaluation.datasetId", spec.datasetId(), "a dataset with a test split", "evaluation.datasetId "
                            + spec.datasetId() + " has no test split to score on"));
                }
            }
        }
        if (!spec.evaluates() && (spec.metric() != null || spec.metrics() != null || spec.maxItems() != null || spec.datasetId() != null
                || spec.promote() != null)) {
            found.add(violation("evaluation.enabled", false, "true, or no other evaluation field", "evaluation.enabled is false, so the "
                    + "other evaluation fields would never be used: leave them out"));
        }
        return found;
    }

    private static void metric(String metric, String field, List<FieldViolation> found) {
        if (metric == null || !(Metrics.TEXT_METRICS.contains(metric) || GRADER.matcher(metric).matches())) {
            found.add(violation(field, metric, String.join(", ", Metrics.TEXT_METRICS) + " or grader:<name>", field + " '" + metric
                    + "' is not a metric an evaluation scores: one of " + String.join(", ", Metrics.TEXT_METRICS)
                    + ", or a grader of the project as grader:<name> (lower case, up to 64 characters) or grader:<name>@<version>"));
        }
    }

    private static FieldViolation violation(String field, Object value, String allowed, String message) {
        return new FieldViolation(field, value, allowed, message, CODE);
    }
}
