package dev.refinery.training.service;

import dev.refinery.training.mapping.SpecJson;
import dev.refinery.training.repository.Dataset;
import dev.refinery.training.repository.Pipeline;
import dev.refinery.training.repository.PipelineRun;
import dev.refinery.training.rest.EvaluationSpec;
import dev.refinery.training.rest.JobRequest;
import dev.refinery.training.rest.PipelineTemplate;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * The stages of a pipeline run: the template's job on the version, then, when the pipeline has a DPO stage and there are
 * preference pairs the champion has not learned yet, a DPO job from that job on the newest preference version. Only the
 * last stage's model is evaluated, on the version's frozen test set, so that every run is scored on the same items
 * whether or not it had a DPO stage.
 */
final class PipelineStages {

    private static final String DPO = "dpo";

    private PipelineStages() {
    }

    /**
     * The preference version a new run's DPO stage trains on: the newest VALID version of the pipeline's preference
     * collection, unless a promoted run of the pipeline learned it already and the run continues from the champion (training
     * it again would only repeat it). Empty: the run has one stage.
     */
    static Optional<String> preferenceVersion(Pipeline p, PipelineRun champion) {
        if (p.dpoCollectionId == null) {
            return Optional.empty();
        }
        Optional<String> newest = Dataset.newestOfCollection(p.tenant, p.dpoCollectionId).map(d -> d.id);
        boolean learned = newest.isPresent() && champion != null && p.continueFrom == Pipeline.ContinueFrom.CHAMPION
                && PipelineRun.count("pipelineId = ?1 and decision = 'PROMOTED' and preferenceDatasetId = ?2", p.id, newest.get()) > 0;
        return learned ? Optional.empty() : newest;
    }

    /** The job the run's current stage submits. */
    static JobRequest jobOf(Pipeline p, PipelineTemplate template, PipelineRun run, BigDecimal cap) {
        if (!run.inDpoStage()) {
            // with a DPO stage to follow, this model is a step on the way: registered, not evaluated (nor promoted) on its own
            EvaluationSpec evaluation = run.preferenceDatasetId == null ? lastStage(run, template.evaluation())
                    : new EvaluationSpec(false, null, null, null, null, null);
            return template.jobOn(run.datasetId, run.fromJobId, cap, evaluation);
        }
        EvaluationSpec asked = template.evaluation();
        EvaluationSpec onVersion = asked == null ? new EvaluationSpec(null, null, null, null, run.datasetId, null)
                : new EvaluationSpec(asked.enabled(), asked.metric(), asked.metrics(), asked.maxItems(),
                asked.datasetId() != null ? asked.datasetId() : run.datasetId, asked.promote());
        return new JobRequest(run.preferenceDatasetId, template.baseModel(), template.backend(), DPO,
                SpecJson.tree(p.dpoHyperparameters), cap, run.sftJobId, lastStage(run, onVersion));
    }

    /**
     * The evaluation of the run's last stage: as asked, except that with a shadow phase a model that passes waits for it
     * (PASSED_AWAITING_PROMOTION) instead of being promoted at once.
     */
    private static EvaluationSpec lastStage(PipelineRun run, EvaluationSpec asked) {
        if (run.shadowSettings == null) {
            return asked;
        }
        return asked == null ? new EvaluationSpec(null, null, null, null, null, false)
                : new EvaluationSpec(asked.enabled(), asked.metric(), asked.metrics(), asked.maxItems(), asked.datasetId(), false);
    }
}
