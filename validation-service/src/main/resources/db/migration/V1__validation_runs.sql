-- One validation run per dataset: queued by the dataset-uploaded consumer, worked on by the validation
-- worker, finished (with its problems and its dataset-validated event) in one transaction.
CREATE TABLE validation_run (
    dataset_id         VARCHAR(40)   PRIMARY KEY,
    dataset_name       VARCHAR(200),
    source_bucket      VARCHAR(200)  NOT NULL,
    source_key         VARCHAR(1024) NOT NULL,
    status             VARCHAR(16)   NOT NULL,
    attempts           INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at    TIMESTAMPTZ   NOT NULL,
    heartbeat_at       TIMESTAMPTZ,
    last_error         TEXT,
    lines              BIGINT,
    records            BIGINT,
    valid_records      BIGINT,
    invalid_records    BIGINT,
    problems           BIGINT,
    train_records      BIGINT,
    validation_records BIGINT,
    test_records       BIGINT,
    report_key         VARCHAR(1024),
    created_at         TIMESTAMPTZ   NOT NULL,
    started_at         TIMESTAMPTZ,
    finished_at        TIMESTAMPTZ
);
CREATE INDEX validation_run_queued ON validation_run (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX validation_run_running ON validation_run (heartbeat_at) WHERE status = 'RUNNING';

-- Every problem is counted here, per rule ...
CREATE TABLE validation_rule_count (
    dataset_id VARCHAR(40) NOT NULL REFERENCES validation_run (dataset_id) ON DELETE CASCADE,
    code       VARCHAR(64) NOT NULL,
    count      BIGINT      NOT NULL,
    PRIMARY KEY (dataset_id, code)
);

-- ... and the first ones of each rule (refinery.validation.samples-per-rule) are kept in full.
CREATE SEQUENCE validation_problem_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE validation_problem (
    id         BIGINT      PRIMARY KEY,
    dataset_id VARCHAR(40) NOT NULL REFERENCES validation_run (dataset_id) ON DELETE CASCADE,
    line       BIGINT,
    code       VARCHAR(64) NOT NULL,
    path       TEXT        NOT NULL,
    message    TEXT        NOT NULL,
    hint       TEXT        NOT NULL
);
CREATE INDEX validation_problem_by_dataset ON validation_problem (dataset_id, code, line, id);
