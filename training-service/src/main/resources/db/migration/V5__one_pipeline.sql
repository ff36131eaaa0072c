-- One pipeline for every backend (docs/providers.md "One pipeline"): every job's settings are the provider-neutral
-- effective spec, its result is an artifact, and who works on it is a work lease (the kit's work_lease table).

-- 1. Local jobs recorded before: their hyperparameters become the effective spec, in the spec's names and sources.
--    loraTargets "q,v" -> loraTargetModules ["q", "v"]; earlyStoppingPatience 0 (off) -> earlyStoppingEnabled false;
--    evalEvery (steps) has no exact equivalent in nEvals (a count) and is dropped; "default" -> "provider_default"
--    (the engine's own defaults), "fromJob" -> "from_job".
UPDATE job j SET effective_spec = jsonb_build_object('values', v.vals, 'sources', v.srcs)
FROM (
    SELECT id,
           (h - 'loraTargets' - 'evalEvery' - 'earlyStoppingPatience')
               || CASE WHEN h ? 'loraTargets'
                       THEN jsonb_build_object('loraTargetModules', to_jsonb(string_to_array(h ->> 'loraTargets', ',')))
                       ELSE '{}'::jsonb END
               || CASE WHEN COALESCE((h ->> 'earlyStoppingPatience')::int, 0) > 0
                       THEN jsonb_build_object('earlyStoppingEnabled', true, 'earlyStoppingPatience', (h ->> 'earlyStoppingPatience')::int)
                       ELSE jsonb_build_object('earlyStoppingEnabled', false) END AS vals,
           (SELECT jsonb_object_agg(CASE key WHEN 'loraTargets' THEN 'loraTargetModules'
                                             WHEN 'earlyStoppingPatience' THEN 'earlyStoppingEnabled' ELSE key END,
                                    CASE value #>> '{}' WHEN 'default' THEN 'provider_default' WHEN 'fromJob' THEN 'from_job'
                                                        ELSE value #>> '{}' END)
              FROM jsonb_each(s) WHERE key <> 'evalEvery') AS srcs
      FROM (SELECT id, hyperparameters::jsonb AS h, hyperparameter_sources::jsonb AS s FROM job WHERE effective_spec IS NULL) raw
) v
WHERE j.id = v.id;

-- Their stored requests (re-runs replay them) use the new names too.
UPDATE job SET request = jsonb_set(request, '{hyperparameters}',
        ((request -> 'hyperparameters') - 'loraTargets' - 'evalEvery' - 'earlyStoppingPatience')
        || CASE WHEN (request -> 'hyperparameters') ? 'loraTargets'
                THEN jsonb_build_object('loraTargetModules', request -> 'hyperparameters' -> 'loraTargets') ELSE '{}'::jsonb END)
 WHERE jsonb_typeof(request -> 'hyperparameters') = 'object';

ALTER TABLE job DROP COLUMN hyperparameters;
ALTER TABLE job DROP COLUMN hyperparameter_sources;

-- 2. The result is an artifact: a LoRA adapter or a full model, by key when it is in our bucket; a provider's model
--    stays named by output_model (no more '<backend>:<model>' pseudo-keys).
ALTER TABLE job RENAME COLUMN adapter_key TO artifact_key;
ALTER TABLE job ADD COLUMN artifact_type VARCHAR(20);
UPDATE job SET artifact_type = 'lora-adapter' WHERE status = 'SUCCEEDED';
UPDATE job SET artifact_key = NULL WHERE artifact_key IS NOT NULL AND artifact_key NOT LIKE 'jobs/%';

-- 3. Who trains a job is its lease now; a version column makes a writer that forgets the row lock fail loudly.
ALTER TABLE job DROP COLUMN claimed_by;
ALTER TABLE job DROP COLUMN heartbeat_at;
ALTER TABLE job ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- A local job that had started is, in the one pipeline's words, created at its backend (the engine) under its own id.
UPDATE job SET provider_job_id = id WHERE backend = 'local' AND status IN ('RUNNING', 'CANCELLING');

INSERT INTO work_lease (kind, work_id, state, next_at, created_at, updated_at)
SELECT 'training-job', id, 'OPEN', now(), now(), now() FROM job WHERE status IN ('QUEUED', 'VALIDATING', 'RUNNING', 'CANCELLING')
ON CONFLICT (kind, work_id) DO NOTHING;

-- 4. The local engine's stored resume point is listed like a provider's checkpoints.
INSERT INTO job_checkpoint (job_id, reference, step, kind, created_at)
SELECT id, 'jobs/' || id || '/checkpoints/step-' || checkpoint_step || '/', checkpoint_step, 'resume', now()
  FROM job WHERE backend = 'local' AND checkpoint_step IS NOT NULL
ON CONFLICT (job_id, reference) DO NOTHING;
