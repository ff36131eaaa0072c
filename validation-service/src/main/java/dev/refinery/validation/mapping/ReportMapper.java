package dev.refinery.validation.mapping;

import dev.refinery.validation.events.DatasetValidated;
import dev.refinery.validation.records.LineProblem;
import dev.refinery.datasets.split.Split;
import dev.refinery.validation.repository.RunStatus;
import dev.refinery.validation.repository.ValidationProblem;
import dev.refinery.validation.repository.ValidationRun;
import dev.refinery.validation.rest.ProblemView;
import dev.refinery.validation.rest.ReportView;
import dev.refinery.validation.service.ValidatedObjects;

import java.util.Map;
import java.util.TreeMap;

/** Between the models of a report: scan result, entity, API view, event payload and report.json stay apart. */
public final class ReportMapper {

    private ReportMapper() {
    }

    public static ValidationProblem toEntity(String datasetId, LineProblem p) {
        ValidationProblem e = new ValidationProblem();
        e.datasetId = datasetId;
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

    public static ReportView toView(ValidationRun run) {
        ReportView.SplitsView splits = run.status == RunStatus.VALID
                ? new ReportView.SplitsView(split(run, Split.TRAIN, run.trainRecords), split(run, Split.VALIDATION, run.validationRecords),
                split(run, Split.TEST, run.testRecords))
                : null;
        Map<String, Long> ruleCounts = run.status == RunStatus.VALID || run.status == RunStatus.INVALID ? new TreeMap<>(run.ruleCounts) : null;
        return new ReportView(run.datasetId, run.datasetName, run.status.name(), run.sourceKey, run.lines, run.records, run.validRecords,
                run.invalidRecords, run.problems, ruleCounts, splits, run.reportKey, run.attempts, run.lastError, run.createdAt,
                run.startedAt, run.finishedAt);
    }

    /** The event of a finished run, built from what was stored, so the event and the state cannot disagree. */
    public static DatasetValidated toEvent(ValidationRun run, String bucket) {
        DatasetValidated.Splits splits = run.status == RunStatus.VALID
                ? new DatasetValidated.Splits(event(run, Split.TRAIN, run.trainRecords), event(run, Split.VALIDATION, run.validationRecords),
                event(run, Split.TEST, run.testRecords))
                : null;
        return new DatasetValidated(run.datasetId, run.status.name(), run.records, run.validRecords, run.invalidRecords, run.problems,
                bucket, run.reportKey, splits, run.finishedAt);
    }

    private static ReportView.SplitView split(ValidationRun run, Split s, Long records) {
        return new ReportView.SplitView(ValidatedObjects.split(run.datasetId, s), records == null ? 0 : records);
    }

    private static DatasetValidated.SplitObject event(ValidationRun run, Split s, Long records) {
        return new DatasetValidated.SplitObject(ValidatedObjects.split(run.datasetId, s), records == null ? 0 : records);
    }
}
