package dev.refinery.training.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.refinery.catalog.CatalogException;
import dev.refinery.catalog.ModelCatalog;
import dev.refinery.catalog.TrainingMethod;
import dev.refinery.catalog.TrainingType;
import dev.refinery.catalog.cost.CostEstimate;
import dev.refinery.catalog.cost.CostEstimator;
import dev.refinery.catalog.cost.CostRequest;
import dev.refinery.catalog.cost.DatasetTokens;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.kit.storage.ObjectStorage;
import dev.refinery.training.config.TrainingSettings;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Job;
import dev.refinery.training.repository.JobStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * Money before and during a job: the catalog's estimate from the dataset's token counts, the per-job and per-tenant
 * caps, and what a tenant has already committed (estimates of unfinished jobs, the providers' own figures for
 * finished ones). A refusal carries the numbers and happens before anything is sent to a provider.
 */
@ApplicationScoped
public class Budgets {

    /** Bytes per token when no tokenizer counted the data: a rough rule for English text, hence the wide bound. */
    private static final double BYTES_PER_TOKEN = 4.0;
    private static final double BYTES_ESTIMATE_BOUND = 0.5;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TrainingSettings settings;

    @Inject
    ObjectStorage storage;

    @Inject
    CatalogHolder catalog;

    /** An estimate and the words on how it was made. */
    public record Estimate(CostEstimate cost, String basis) {
        public BigDecimal high() {
            return cost == null ? null : cost.high();
        }
    }

    /**
     * Prices a job from the validation report's token counts ({@code tokens.totalTokens} of the kept records, shared
     * out by the split's record count), or, without a tokenizer count, from the bytes (4 per token, +/-50%), saying so.
     */
    public Estimate estimate(String backend, String model, TrainingMethod method, TrainingType type, Integer epochs, int evaluations,
                             Dataset dataset) {
        TokenBasis basis = tokenBasis(dataset);
        DatasetTokens train = basis.share(dataset.trainRecords == null ? 0 : dataset.trainRecords);
        DatasetTokens validation = evaluations > 0 && dataset.validationRecords != null && dataset.validationRecords > 0
                ? basis.share(dataset.validationRecords) : null;
        CostRequest.Builder request = CostRequest.builder(backend, model, train).trainingType(type).method(method).epochs(epochs);
        if (validation != null) {
            request.validation(validation, evaluations);
        }
        try {
            return new Estimate(new CostEstimator(catalog.get()).estimate(request.build()), basis.description);
        } catch (CatalogException e) {
            return new Estimate(null, e.getMessage());
        }
    }

    /**
     * Refuses a job whose estimate's high bound is over its own cap or over what its tenant has left: 402
     * {@code JOB_OVER_BUDGET} with the estimate, the cap, what is committed and what remains.
     */
    @Transactional
    public void check(String tenantId, BigDecimal jobCap, Estimate estimate) {
        refuseOverBudget(tenantId, jobCap, settings.budget().tenantUsd(), () -> committed(tenantId), estimate);
    }

    /**
     * The authoritative tenant check, in the transaction that records {@code job}: a lock per tenant makes parallel
     * submissions take their turn, so each one counts every job recorded before it and together they stay under the cap.
     * (The lock is PostgreSQL's transaction-scoped advisory lock: nothing to clean up, released at commit or rollback.)
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void reserve(Job job, Estimate estimate) {
        Optional<BigDecimal> tenantCap = settings.budget().tenantUsd();
        if (tenantCap.isEmpty() || estimate.cost() == null || !estimate.cost().priced()) {
            return; // no cap, or an unpriced job on hardware the deployment owns (a priced backend without a price was refused already)
        }
        Job.getEntityManager().createNativeQuery("select 1 from (select pg_advisory_xact_lock(hashtext(?1))) locked")
                .setParameter(1, "budget:" + job.tenantId).getSingleResult();
        refuseOverBudget(job.tenantId, null, tenantCap, () -> committed(job.tenantId), estimate);
    }

    /**
     * The budget rule itself (no database: {@code committed} is asked only when a tenant cap applies): no cap, no check; a
     * cap and no price, 409 {@code JOB_ESTIMATE_UNAVAILABLE}; an estimate's high bound over the job's cap or over what the
     * tenant has left, 402 {@code JOB_OVER_BUDGET} with every figure.
     */
    static void refuseOverBudget(String tenantId, BigDecimal jobCap, Optional<BigDecimal> tenantCap, java.util.function.Supplier<BigDecimal> committed,
                                 Estimate estimate) {
        if (jobCap == null && tenantCap.isEmpty()) {
            return;
        }
        if (estimate.cost() == null || !estimate.cost().priced()) {
            throw new ApiException(409, "JOB_ESTIMATE_UNAVAILABLE", "Conflict", "a budget applies but this job cannot be priced: "
                    + (estimate.cost() == null ? estimate.basis() : estimate.cost().summary()) + "; set the missing setting (e.g. epochs) or choose a priced model")
                    .with("tenantCapUsd", tenantCap.orElse(null)).with("jobCapUsd", jobCap);
        }
        BigDecimal high = estimate.cost().high();
        if (jobCap != null && high.compareTo(jobCap) > 0) {
            throw overBudget("job", "the estimate's high bound $" + usd(high) + " is over this job's cap of $" + usd(jobCap), estimate, jobCap, null, jobCap);
        }
        if (tenantCap.isPresent()) {
            BigDecimal spent = committed.get();
            BigDecimal remaining = tenantCap.get().subtract(spent).max(BigDecimal.ZERO);
            if (high.compareTo(remaining) > 0) {
                throw overBudget("tenant", "the estimate's high bound $" + usd(high) + " is over what tenant " + tenantId + " has left: $"
                        + usd(remaining) + " of $" + usd(tenantCap.get()) + " ($" + usd(spent) + " committed)", estimate, tenantCap.get(), spent, remaining);
            }
        }
    }

    /** What a tenant's jobs hold of its budget: unfinished ones their estimate's high bound (or more if they cost more), finished ones what they cost. */
    @Transactional
    public BigDecimal committed(String tenantId) {
        BigDecimal sum = BigDecimal.ZERO;
        for (Job j : Job.ofTenant(tenantId)) {
            sum = sum.add(committedBy(j));
        }
        return sum;
    }

    static BigDecimal committedBy(Job j) {
        BigDecimal actual = j.actualCostUsd == null ? BigDecimal.ZERO : j.actualCostUsd;
        if (j.status.isFinal()) {
            return actual;
        }
        BigDecimal high = j.estimateHighUsd == null ? BigDecimal.ZERO : j.estimateHighUsd;
        return high.max(actual);
    }

    /** The cap a running job must not cross: its own, or what its tenant has left besides it; null when neither is set. */
    @Transactional
    public BigDecimal hardCapFor(Job job) {
        BigDecimal cap = job.budgetUsd;
        Optional<BigDecimal> tenantCap = settings.budget().tenantUsd();
        if (tenantCap.isPresent()) {
            BigDecimal others = committed(job.tenantId).subtract(committedBy(job));
            BigDecimal left = tenantCap.get().subtract(others);
            cap = cap == null ? left : cap.min(left);
        }
        return cap;
    }

    private static ApiException overBudget(String scope, String why, Estimate e, BigDecimal cap, BigDecimal committed, BigDecimal remaining) {
        return new ApiException(402, "JOB_OVER_BUDGET", "Payment Required", why + "; nothing was sent to the provider")
                .with("scope", scope)
                .with("estimateLowUsd", e.cost().lowForDisplay())
                .with("estimateExpectedUsd", e.cost().expectedForDisplay())
                .with("estimateHighUsd", e.cost().highForDisplay())
                .with("capUsd", cap)
                .with("committedUsd", committed)
                .with("remainingUsd", remaining)
                .with("estimateBasis", e.basis());
    }

    private static String usd(BigDecimal d) {
        return d.setScale(2, d.signum() >= 0 ? RoundingMode.CEILING : RoundingMode.FLOOR).toPlainString();
    }

    /** Tokens per record of the whole dataset, from the report when it has them. */
    private record TokenBasis(long records, long tokens, boolean exact, double bound, String description) {
        DatasetTokens share(long splitRecords) {
            long tokensOfSplit = records <= 0 ? 0 : Math.round((double) tokens * splitRecords / records);
            if (exact && splitRecords == records) {
                return DatasetTokens.exact(splitRecords, tokensOfSplit, description);
            }
            // A split's share of an exact total is still an estimate: records differ in length.
            return DatasetTokens.estimated(splitRecords, tokensOfSplit, Math.max(bound, exact ? 0.1 : bound), description);
        }
    }

    private TokenBasis tokenBasis(Dataset dataset) {
        String reportKey = "datasets/" + dataset.id + "/validated/report.json";
        long records = dataset.validRecords != null ? dataset.validRecords : dataset.records == null ? 0 : dataset.records;
        try {
            if (storage.exists(reportKey)) {
                JsonNode report;
                try (InputStream in = storage.open(reportKey)) {
                    report = JSON.readTree(in);
                }
                JsonNode tokens = report.path("tokens");
                if (tokens.hasNonNull("totalTokens")) {
                    long counted = tokens.path("records").asLong(records);
                    boolean estimate = tokens.path("estimate").asBoolean(true);
                    return new TokenBasis(counted, tokens.get("totalTokens").asLong(), !estimate, tokens.path("relativeErrorBound").asDouble(0),
                            "token counts of the validation report (" + tokens.path("tokenizer").asText("tokenizer unknown") + ")");
                }
                if (report.hasNonNull("bytes")) {
                    return bytesBasis(records, report.get("bytes").asLong(), "the dataset's " + report.get("bytes").asLong() + " bytes");
                }
            }
            long bytes = 0;
            try (InputStream in = storage.open(dataset.trainKey)) {
                bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            long trainRecords = dataset.trainRecords == null ? records : dataset.trainRecords;
            return bytesBasis(trainRecords, bytes, "the train split's " + bytes + " bytes");
        } catch (IOException | RuntimeException e) {
            throw new ApiException(503, "JOB_DATASET_UNREADABLE", "Service Unavailable", "cannot read dataset " + dataset.id
                    + " from object storage to estimate its cost: " + e.getMessage());
        }
    }

    private static TokenBasis bytesBasis(long records, long bytes, String what) {
        return new TokenBasis(records, Math.round(bytes / BYTES_PER_TOKEN), false, BYTES_ESTIMATE_BOUND,
                "estimated from " + what + " at 4 bytes per token (+/-50%): the validation report has no tokenizer count for this model");
    }
}
