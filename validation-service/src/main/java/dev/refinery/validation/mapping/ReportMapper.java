package dev.refinery.validation.mapping;

import dev.refinery.validation.events.DatasetUploaded;
import dev.refinery.validation.events.DatasetValidated;
import dev.refinery.validation.records.LineProblem;
import dev.refinery.datasets.split.Split;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationProblem;
import dev.refinery.validation.repository.ValidationRun;
import dev.refinery.validation.rest.ProblemView;
import dev.refinery.validation.rest.ReportView;
import dev.refinery.validation.service.RunChecks;
import dev.refinery.datasets.split.ValidatedObjects;

import java.util.Map;
import java.util.TreeMap;

/** Between the models of a report: scan result, entity, API view, event payload and report.json stay apart. */
public final class ReportMapper {

    private ReportMapper() {
    }

    public static ValidationProblem toEntity(ValidationRun run, LineProblem p) {
        ValidationProblem e = new ValidationProblem();
        e.datasetId = run.datasetId;
        e.tenant = run.tenant;
        e.line = p.line();
        e.code = p.code();
        e.path = p.path();
        e.message = p.message();
        e.hint = p.hint();
        return e;
    }

    public static ProblemView toView(ValidationProblem p) {
        return new ProblemView(p.line, p.code, p.path, p.message, p.hint);
    }

    /** The event's check options onto the run (nothing when the uploader gave none). */
    public static void copyChecks(DatasetUploaded.Checks checks, ValidationRun run) {
        if (checks == null) {
            return;
        }
        run.checkTarget = checks.target();
        run.checkModel = checks.model();
        run.checkSplits = checks.splits();
        run.checkDedup = checks.dedup();
        run.checkOverContext = checks.overContext();
        run.checkEpochs = checks.epochs();
        run.checkEvaluations = checks.evaluations();
        if (checks.testSet() != null) {
            run.testSetDatasetId = checks.testSet().datasetId();
            run.testSetBucket = checks.testSet().bucket();
            run.testSetKey = checks.testSet().objectKey();
        }
    }

    public static RunChecks checks(ValidationRun run) {
        return new RunChecks(run.checkTarget, run.checkModel, run.checkSplits, run.checkDedup, run.checkOverContext, run.checkEpochs,
                run.checkEvaluations, run.testSetDatasetId, run.testSetBucket, run.testSetKey);
    }

    /**
     * @param status    what the run is doing: its own status once finished, else PENDING or RUNNING as its work lease says
     * @param lastError why the last attempt stopped: the run's own reason once it failed, else the lease's
     */
    public static ReportView toView(ValidationRun run, RunStatus status, String lastError, ReportView.ChecksView checks) {
        ReportView.SplitsView splits = run.status == RunStatus.VALID
                ? new ReportView.SplitsView(split(run, Split.TRAIN, run.trainRecords), split(run, Split.VALIDATION, run.validationRecords),
                split(run, Split.TEST, run.testRecords))
                : null;
        Map<String, Long> ruleCounts = run.status == RunStatus.VALID || run.status == RunStatus.INVALID ? new TreeMap<>(run.ruleCounts) : null;
        boolean checked = run.status == RunStatus.VALID || run.status == RunStatus.INVALID;
        return new ReportView(run.datasetId, run.datasetName, status.name(), run.sourceKey, run.lines, run.records, run.validRecords,
                run.invalidRecords, run.problems, ruleCounts, splits, run.reportKey, checked ? ValidatedObjects.cleanSubset(run.datasetId) : null,
                checks, run.parentDatasetId, run.attempts, lastError, run.createdAt, run.startedAt, run.finishedAt);
    }

    /** The event of a finished run, built from what was stored, so the event and the state cannot disagree. */
    public static DatasetValidated toEvent(ValidationRun run, String bucket) {
        DatasetValidated.Splits splits = run.status == RunStatus.VALID
                ? new DatasetValidated.Splits(event(run, Split.TRAIN, run.trainRecords), event(run, Split.VALIDATION, run.validationRecords),
                event(run, Split.TEST, run.testRecords))
                : null;
        return new DatasetValidated(run.tenant, run.datasetId, run.status.name(), run.records, run.validRecords, run.invalidRecords, run.problems,
                bucket, run.reportKey, splits, run.finishedAt, run.collectionId);
    }

    private static ReportView.SplitView split(ValidationRun run, Split s, Long records) {
        return new ReportView.SplitView(ValidatedObjects.split(run.datasetId, s), records == null ? 0 : records);
    }

    private static DatasetValidated.SplitObject event(ValidationRun run, Split s, Long records) {
        return new DatasetValidated.SplitObject(ValidatedObjects.split(run.datasetId, s), records == null ? 0 : records);
    }
}
