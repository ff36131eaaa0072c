-- Continuous fine-tuning (issue 14). A dataset sealed from a collection says which: its versions trigger the collection's
-- pipelines. Datasets recorded before were not collection versions: null.
ALTER TABLE dataset ADD COLUMN collection_id VARCHAR(40);
CREATE INDEX dataset_collection ON dataset (tenant, collection_id, validated_at) WHERE collection_id IS NOT NULL;

-- A pipeline: a collection, the job to train on each of its versions (the template: a POST /fine-tunes body without the
-- dataset), where the next run starts from, how often a failed job is tried, and what the pipeline may spend per period.
CREATE TABLE pipeline (
    id              VARCHAR(40)   PRIMARY KEY,
    tenant          VARCHAR(100)  NOT NULL,
    name            VARCHAR(100)  NOT NULL,
    collection_id   VARCHAR(40)   NOT NULL,
    template        TEXT          NOT NULL,
    continue_from   VARCHAR(10)   NOT NULL,
    max_attempts    INT           NOT NULL,
    budget_usd      NUMERIC(12, 4),
    budget_period   VARCHAR(10)   NOT NULL,
    status          VARCHAR(10)   NOT NULL,
    pause_reason    TEXT,
    created_by      VARCHAR(200)  NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL,
    updated_at      TIMESTAMPTZ   NOT NULL,
    CONSTRAINT pipeline_name UNIQUE (tenant, name)
);
CREATE INDEX pipeline_collection ON pipeline (tenant, collection_id);

-- A run: one dataset version through training, evaluation and the promotion decision. The job of attempt n is submitted
-- with the idempotency key pipeline-run:<run>:<n>, so a run resumed after a crash finds its job instead of making another.
CREATE TABLE pipeline_run (
    id                VARCHAR(40)   PRIMARY KEY,
    pipeline_id       VARCHAR(40)   NOT NULL REFERENCES pipeline (id),
    tenant            VARCHAR(100)  NOT NULL,
    trigger           VARCHAR(10)   NOT NULL,
    dataset_id        VARCHAR(40)   NOT NULL,
    status            VARCHAR(12)   NOT NULL,
    attempts          INT           NOT NULL,
    job_id            VARCHAR(40),
    from_job_id       VARCHAR(40),
    eval_id           VARCHAR(40),
    model_version_id  VARCHAR(40),
    outcome           VARCHAR(40),
    decision          VARCHAR(40),
    reasons           TEXT,
    metric            VARCHAR(100),
    candidate_score   DOUBLE PRECISION,
    baseline_score    DOUBLE PRECISION,
    champion_score    DOUBLE PRECISION,
    failure_code      VARCHAR(60),
    failure_reason    TEXT,
    created_at        TIMESTAMPTZ   NOT NULL,
    started_at        TIMESTAMPTZ,
    finished_at       TIMESTAMPTZ
);
-- One run of a version per pipeline (a dataset-validated seen twice queues nothing new) ...
CREATE UNIQUE INDEX pipeline_run_version ON pipeline_run (pipeline_id, dataset_id) WHERE trigger = 'version';
-- ... and at most one run of a pipeline under way at a time.
CREATE UNIQUE INDEX pipeline_run_active ON pipeline_run (pipeline_id) WHERE status IN ('TRAINING', 'EVALUATING');
CREATE INDEX pipeline_run_job ON pipeline_run (job_id);
CREATE INDEX pipeline_run_of ON pipeline_run (pipeline_id, created_at);
