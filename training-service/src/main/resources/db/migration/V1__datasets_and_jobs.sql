-- The datasets training-service knows of: its read model of dataset-validated events.
CREATE TABLE dataset (
    id                 VARCHAR(40)  PRIMARY KEY,
    status             VARCHAR(20)  NOT NULL,
    records            BIGINT,
    valid_records      BIGINT,
    bucket             VARCHAR(200),
    train_key          VARCHAR(500),
    train_records      BIGINT,
    validation_key     VARCHAR(500),
    validation_records BIGINT,
    test_key           VARCHAR(500),
    test_records       BIGINT,
    validated_at       TIMESTAMPTZ,
    updated_at         TIMESTAMPTZ  NOT NULL
);

-- Fine-tuning jobs. Hyperparameters are JSON objects (name -> value, name -> "user" | "default").
-- claimed_by / heartbeat_at say which process trains a RUNNING job and whether it is still alive.
CREATE TABLE job (
    id                     VARCHAR(40)  PRIMARY KEY,
    dataset_id             VARCHAR(40)  NOT NULL,
    base_model             VARCHAR(200) NOT NULL,
    backend                VARCHAR(40)  NOT NULL,
    status                 VARCHAR(20)  NOT NULL,
    hyperparameters        TEXT         NOT NULL,
    hyperparameter_sources TEXT         NOT NULL,
    idempotency_key        VARCHAR(200) UNIQUE,
    attempts               INTEGER      NOT NULL DEFAULT 0,
    claimed_by             VARCHAR(200),
    heartbeat_at           TIMESTAMPTZ,
    created_at             TIMESTAMPTZ  NOT NULL,
    started_at             TIMESTAMPTZ,
    finished_at            TIMESTAMPTZ,
    current_step           INTEGER,
    total_steps            INTEGER,
    epoch                  DOUBLE PRECISION,
    train_loss             DOUBLE PRECISION,
    eta_seconds            DOUBLE PRECISION,
    progress_at            TIMESTAMPTZ,
    checkpoint_step        INTEGER,
    bucket                 VARCHAR(200),
    adapter_key            VARCHAR(500),
    steps                  INTEGER,
    final_train_loss       DOUBLE PRECISION,
    final_validation_loss  DOUBLE PRECISION,
    failure_code           VARCHAR(100),
    failure_reason         TEXT
);
CREATE INDEX job_created ON job (created_at DESC);
CREATE INDEX job_unfinished ON job (status) WHERE status IN ('QUEUED', 'RUNNING');

-- One row per optimizer step (re-written when a resumed attempt repeats a step).
CREATE TABLE job_step_metric (
    job_id            VARCHAR(40)      NOT NULL REFERENCES job (id),
    step              INTEGER          NOT NULL,
    epoch             DOUBLE PRECISION NOT NULL,
    loss              DOUBLE PRECISION NOT NULL,
    learning_rate     DOUBLE PRECISION NOT NULL,
    grad_norm         DOUBLE PRECISION NOT NULL,
    tokens            INTEGER          NOT NULL,
    tokens_per_second DOUBLE PRECISION NOT NULL,
    recorded_at       TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (job_id, step)
);

CREATE TABLE job_validation_loss (
    job_id      VARCHAR(40)      NOT NULL REFERENCES job (id),
    step        INTEGER          NOT NULL,
    loss        DOUBLE PRECISION NOT NULL,
    recorded_at TIMESTAMPTZ      NOT NULL,
    PRIMARY KEY (job_id, step)
);

-- What happened to a job, in order: queued, started, checkpoint, interrupted, completed, failed...
CREATE SEQUENCE job_event_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE job_event (
    id         BIGINT       PRIMARY KEY,
    job_id     VARCHAR(40)  NOT NULL REFERENCES job (id),
    type       VARCHAR(40)  NOT NULL,
    message    TEXT         NOT NULL,
    step       INTEGER,
    created_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX job_event_job ON job_event (job_id, id);
