-- The shadow phase of a pipeline (issue 14): a run whose challenger passed the evaluation is not promoted at once; a share
-- of the live chat requests to the alias is answered by the challenger too (inference-service's shadow trial), a judge
-- model compares the answers, and the challenger is promoted when its win rate reaches shadow_min_win_rate.
ALTER TABLE pipeline ADD COLUMN shadow_share DOUBLE PRECISION;
ALTER TABLE pipeline ADD COLUMN shadow_pairs INTEGER;
ALTER TABLE pipeline ADD COLUMN shadow_min_win_rate DOUBLE PRECISION;
ALTER TABLE pipeline ADD COLUMN shadow_within VARCHAR(40);
ALTER TABLE pipeline ADD COLUMN shadow_judge VARCHAR(300);

-- A run of a pipeline with a shadow phase: the settings it started with (JSON: a change of the pipeline applies to later
-- runs); once in its shadow phase: the champion it was evaluated against, when it entered the phase, the alias whose
-- traffic it shares, when the trial opened and must end, and the pairs judged so far.
ALTER TABLE pipeline_run ADD COLUMN shadow_settings TEXT;
ALTER TABLE pipeline_run ADD COLUMN shadow_champion_version_id VARCHAR(40);
ALTER TABLE pipeline_run ADD COLUMN shadow_entered_at TIMESTAMPTZ;
ALTER TABLE pipeline_run ADD COLUMN shadow_alias VARCHAR(100);
ALTER TABLE pipeline_run ADD COLUMN shadow_started_at TIMESTAMPTZ;
ALTER TABLE pipeline_run ADD COLUMN shadow_ends_at TIMESTAMPTZ;
ALTER TABLE pipeline_run ADD COLUMN shadow_wins INTEGER;
ALTER TABLE pipeline_run ADD COLUMN shadow_losses INTEGER;
ALTER TABLE pipeline_run ADD COLUMN shadow_ties INTEGER;
ALTER TABLE pipeline_run ADD COLUMN shadow_unclear INTEGER;
ALTER TABLE pipeline_run ADD COLUMN shadow_win_rate DOUBLE PRECISION;

-- One run under way per pipeline: the shadow phase holds the pipeline like training and evaluation do.
DROP INDEX pipeline_run_active;
CREATE UNIQUE INDEX pipeline_run_active ON pipeline_run (pipeline_id) WHERE status IN ('TRAINING', 'EVALUATING', 'SHADOW');
