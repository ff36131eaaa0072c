package dev.refinery.validation.service;

import dev.refinery.kit.lease.WorkLeases;
import dev.refinery.kit.problem.ApiException;
import dev.refinery.validation.mapping.ReportMapper;
import dev.refinery.datasets.rules.Rule;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationProblem;
import dev.refinery.validation.repository.ValidationRun;
import dev.refinery.validation.rest.ProblemPage;
import dev.refinery.validation.rest.ProblemView;
import dev.refinery.validation.rest.ReportView;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reading reports and their problems, for the tenant that owns the dataset (or a service, which sees all): another
 * tenant's report is answered exactly like the report of a dataset that does not exist.
 */
@ApplicationScoped
public class ReportService {

    public static final int MAX_PAGE = 1000;
    private static final Pattern DATASET_ID = Pattern.compile("^ds-[0-9a-f]{32}$");

    @Inject
    CheckSettings settings;

    @Inject
    WorkLeases leases;

    @Transactional
    public ReportView report(Optional<String> tenant, String datasetId) {
        ValidationRun run = find(tenant, datasetId);
        RunStatus status = run.status;
        String lastError = run.lastError;
        if (!run.status.finished()) {
            // Who works on it, and why the last attempt stopped, is the lease's to say.
            Optional<WorkLeases.Row> lease = leases.find(ValidationRuns.LEASE_KIND, run.datasetId);
            status = lease.filter(WorkLeases.Row::held).isPresent() ? RunStatus.RUNNING : RunStatus.PENDING;
            lastError = lease.map(WorkLeases.Row::lastError).orElse(null);
        }
        return ReportMapper.toView(run, status, lastError, settings.effective(ReportMapper.checks(run)));
    }

    @Transactional
    public ProblemPage problems(Optional<String> tenant, String datasetId, String ruleCode, int limit, int offset) {
        if (limit < 1 || limit > MAX_PAGE || offset < 0) {
            throw ApiException.badRequest("PAGE_INVALID", "limit must be between 1 and " + MAX_PAGE + " and offset at least 0; got limit="
                    + limit + ", offset=" + offset);
        }
        Rule rule = null;
        if (ruleCode != null && !ruleCode.isBlank()) {
            rule = Rule.byCode(ruleCode.strip()).orElseThrow(() -> ApiException.badRequest("RULE_UNKNOWN",
                            "'" + ruleCode + "' is not a rule code")
                    .with("field", "rule")
                    .with("knownRules", Arrays.stream(Rule.values()).map(Rule::code).toList()));
        }
        ValidationRun run = find(tenant, datasetId);
        String query = "datasetId = :id and tenant = :tenant" + (rule == null ? "" : " and code = :code");
        Parameters params = Parameters.with("id", run.datasetId).and("tenant", run.tenant);
        if (rule != null) {
            params = params.and("code", rule.code());
        }
        long kept = ValidationProblem.count(query, params);
        // Dataset-level problems (no line) come last.
        List<ProblemView> items = ValidationProblem.<ValidationProblem>find(query, Sort.by("line", Sort.NullPrecedence.NULLS_LAST).and("id"), params)
                .range(offset, offset + limit - 1).list().stream().map(ReportMapper::toView).toList();
        long total = rule == null
                ? run.ruleCounts.values().stream().mapToLong(Long::longValue).sum()
                : run.ruleCounts.getOrDefault(rule.code(), 0L);
        return new ProblemPage(run.datasetId, rule == null ? null : rule.code(), total, kept, offset, limit, items);
    }

    private static ValidationRun find(Optional<String> tenant, String datasetId) {
        if (datasetId == null || !DATASET_ID.matcher(datasetId).matches()) {
            throw ApiException.badRequest("DATASET_ID_INVALID", "'" + datasetId + "' is not a dataset id (ds- followed by 32 hex digits)")
                    .with("field", "datasetId");
        }
        return ValidationRun.visibleTo(tenant, datasetId).orElseThrow(() -> ApiException.notFound("REPORT_NOT_FOUND",
                "no validation report for dataset " + datasetId + " (unknown dataset, or its dataset-uploaded event has not arrived yet)"));
    }
}
