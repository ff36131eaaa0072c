-- One evaluation of a fine-tuned model (base + adapter) against its base model on the dataset's
-- held-out test split. The summary lives here; the per-item results live in S3 (items_key).
CREATE TABLE evaluation (
    id              VARCHAR(40)      PRIMARY KEY,
    job_id          VARCHAR(40)      NOT NULL,
    dataset_id      VARCHAR(40)      NOT NULL,
    base_model      VARCHAR(200)     NOT NULL,
    bucket          VARCHAR(200)     NOT NULL,
    adapter_key     VARCHAR(500)     NOT NULL,
    source_event_id VARCHAR(200)     NOT NULL,
    status          VARCHAR(20)      NOT NULL,
    -- The settings it was created with, so a re-run after a restart computes the same thing.
    metric          VARCHAR(50)      NOT NULL,
    max_tokens      INTEGER          NOT NULL,
    max_items       INTEGER          NOT NULL,
    -- The result (COMPLETED only).
    items           INTEGER,
    baseline_model  VARCHAR(300),
    candidate_model VARCHAR(300),
    baseline_mean   DOUBLE PRECISION,
    candidate_mean  DOUBLE PRECISION,
    baseline_loss   DOUBLE PRECISION,
    candidate_loss  DOUBLE PRECISION,
    difference_mean DOUBLE PRECISION,
    ci_low          DOUBLE PRECISION,
    ci_high         DOUBLE PRECISION,
    confidence      DOUBLE PRECISION,
    verdict         VARCHAR(40),
    items_key       VARCHAR(500),
    failure_code    VARCHAR(100),
    failure_reason  TEXT,
    -- Who works on it: a claim holds until lease_until; each claim increments attempts, and only the
    -- holder of the latest attempt may write the result.
    attempts        INTEGER          NOT NULL DEFAULT 0,
    worker_id       VARCHAR(100),
    lease_until     TIMESTAMPTZ,
    last_error      TEXT,
    created_at      TIMESTAMPTZ      NOT NULL,
    started_at      TIMESTAMPTZ,
    finished_at     TIMESTAMPTZ
);
CREATE INDEX evaluation_job ON evaluation (job_id, created_at DESC);
CREATE INDEX evaluation_created ON evaluation (created_at DESC);
CREATE INDEX evaluation_unfinished ON evaluation (status) WHERE status IN ('PENDING', 'RUNNING');
