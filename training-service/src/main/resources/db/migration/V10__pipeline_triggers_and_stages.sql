-- What starts a pipeline's runs (issue 14): every VALID version (VERSION, as before), a schedule (SCHEDULE: every
-- schedule_every, the collection's newest version when the pipeline has not trained on it), or drift (DRIFT: a new
-- version first scores the champion on its examples; a run starts when that score falls below the champion's promotion
-- score by more than drift_margin).
ALTER TABLE pipeline ADD COLUMN trigger_on VARCHAR(10) NOT NULL DEFAULT 'VERSION';
ALTER TABLE pipeline ADD COLUMN schedule_every VARCHAR(40);
ALTER TABLE pipeline ADD COLUMN next_scheduled_at TIMESTAMPTZ;
ALTER TABLE pipeline ADD COLUMN drift_margin DOUBLE PRECISION;
-- A DPO stage after the template's SFT job: on the newest VALID version of a collection of preference pairs.
ALTER TABLE pipeline ADD COLUMN dpo_collection_id VARCHAR(40);
ALTER TABLE pipeline ADD COLUMN dpo_hyperparameters TEXT;
CREATE INDEX pipeline_schedule ON pipeline (next_scheduled_at) WHERE trigger_on = 'SCHEDULE';

-- A run with a DPO stage: the preference version it trains on, and its SFT stage's job once that succeeded (the DPO job
-- continues from it; the run's job_id is then the DPO job's).
ALTER TABLE pipeline_run ADD COLUMN preference_dataset_id VARCHAR(40);
ALTER TABLE pipeline_run ADD COLUMN sft_job_id VARCHAR(40);
-- A version is trained at most once at a time per pipeline by the triggers that follow versions (a person may run one
-- again; a schedule tries again a version whose run was skipped or failed).
DROP INDEX pipeline_run_version;
CREATE UNIQUE INDEX pipeline_run_version ON pipeline_run (pipeline_id, dataset_id)
    WHERE trigger IN ('VERSION', 'SCHEDULE', 'DRIFT') AND status NOT IN ('SKIPPED', 'FAILED');

-- A drift check: the champion (the model of the pipeline's last promoted run) scored by eval-service on every example of
-- a new version, compared with the score it was promoted on. One per pipeline and version.
CREATE TABLE pipeline_drift_check (
    id                   VARCHAR(40)       PRIMARY KEY,
    pipeline_id          VARCHAR(40)       NOT NULL REFERENCES pipeline (id),
    tenant               VARCHAR(100)      NOT NULL,
    dataset_id           VARCHAR(40)       NOT NULL,
    champion_run_id      VARCHAR(40)       NOT NULL,
    champion_version_id  VARCHAR(40)       NOT NULL,
    metric               VARCHAR(100)      NOT NULL,
    promotion_score      DOUBLE PRECISION  NOT NULL,
    margin               DOUBLE PRECISION  NOT NULL,
    status               VARCHAR(12)       NOT NULL,
    asked_at             TIMESTAMPTZ,
    eval_id              VARCHAR(40),
    fresh_score          DOUBLE PRECISION,
    reason               TEXT,
    run_id               VARCHAR(40),
    created_at           TIMESTAMPTZ       NOT NULL,
    finished_at          TIMESTAMPTZ,
    CONSTRAINT pipeline_drift_check_version UNIQUE (pipeline_id, dataset_id)
);
CREATE INDEX pipeline_drift_check_eval ON pipeline_drift_check (eval_id);
CREATE INDEX pipeline_drift_check_open ON pipeline_drift_check (status) WHERE status IN ('REQUESTED', 'SCORING');
