-- Provider backends (Together, Fireworks, OpenAI) beside the local engine. Additive only.

-- The provider-neutral spec of a job: its method, every effective setting with its source (JSONB:
-- {"values": {...}, "sources": {...}}), the request as sent (re-run), tenant, budget and estimate, and,
-- for provider jobs, where the provider job is and where tracking it stands (to reattach after a restart).
ALTER TABLE job ADD COLUMN method              VARCHAR(10)  NOT NULL DEFAULT 'sft';
ALTER TABLE job ADD COLUMN tenant_id           VARCHAR(100) NOT NULL DEFAULT 'default';
ALTER TABLE job ADD COLUMN effective_spec      JSONB;
ALTER TABLE job ADD COLUMN request             JSONB;
ALTER TABLE job ADD COLUMN from_job_id         VARCHAR(40);
ALTER TABLE job ADD COLUMN budget_usd          NUMERIC(14, 6);
ALTER TABLE job ADD COLUMN estimate_low_usd    NUMERIC(18, 9);
ALTER TABLE job ADD COLUMN estimate_high_usd   NUMERIC(18, 9);
ALTER TABLE job ADD COLUMN estimate_expected_usd NUMERIC(18, 9);
ALTER TABLE job ADD COLUMN estimate_note       TEXT;
ALTER TABLE job ADD COLUMN actual_cost_usd     NUMERIC(18, 9);
ALTER TABLE job ADD COLUMN actual_cost_source  TEXT;
ALTER TABLE job ADD COLUMN provider_job_id     VARCHAR(300);
ALTER TABLE job ADD COLUMN raw_status          VARCHAR(100);
ALTER TABLE job ADD COLUMN state_note          TEXT;
ALTER TABLE job ADD COLUMN output_model        VARCHAR(500);
ALTER TABLE job ADD COLUMN tracked_state       VARCHAR(20);
ALTER TABLE job ADD COLUMN event_cursor        VARCHAR(500);
ALTER TABLE job ADD COLUMN last_metric_step    BIGINT       NOT NULL DEFAULT -1;
ALTER TABLE job ADD COLUMN cancel_reason       TEXT;
CREATE INDEX job_tenant ON job (tenant_id, status);
DROP INDEX job_unfinished;
CREATE INDEX job_unfinished ON job (status) WHERE status IN ('QUEUED', 'VALIDATING', 'RUNNING', 'CANCELLING');

-- Every history entry may carry the canonical state it moved the job to, and its level.
ALTER TABLE job_event ADD COLUMN state VARCHAR(20);
ALTER TABLE job_event ADD COLUMN level VARCHAR(10) NOT NULL DEFAULT 'INFO';

-- Providers report some metrics and not others: a step may lack a learning rate or a gradient norm.
ALTER TABLE job_step_metric ALTER COLUMN epoch DROP NOT NULL;
ALTER TABLE job_step_metric ALTER COLUMN loss DROP NOT NULL;
ALTER TABLE job_step_metric ALTER COLUMN learning_rate DROP NOT NULL;
ALTER TABLE job_step_metric ALTER COLUMN grad_norm DROP NOT NULL;
ALTER TABLE job_step_metric ALTER COLUMN tokens DROP NOT NULL;
ALTER TABLE job_step_metric ALTER COLUMN tokens_per_second DROP NOT NULL;

-- Checkpoints a provider keeps for a job (reference = what it takes to continue from or serve it).
CREATE TABLE job_checkpoint (
    job_id     VARCHAR(40)  NOT NULL REFERENCES job (id),
    reference  VARCHAR(500) NOT NULL,
    step       BIGINT,
    kind       VARCHAR(100),
    created_at TIMESTAMPTZ,
    PRIMARY KEY (job_id, reference)
);

-- Provider API keys per tenant, AES-GCM encrypted with a key from configuration; never returned.
CREATE TABLE tenant_secret (
    tenant_id  VARCHAR(100) NOT NULL,
    provider   VARCHAR(40)  NOT NULL,
    nonce      BYTEA        NOT NULL,
    ciphertext BYTEA        NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant_id, provider)
);
