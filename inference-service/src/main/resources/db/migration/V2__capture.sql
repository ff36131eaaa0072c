-- Capture of traffic and feedback, opt-in per project (issue 13): off until a project's admin turns it on.
CREATE TABLE capture_settings (
    tenant         VARCHAR(100) PRIMARY KEY,
    enabled        BOOLEAN      NOT NULL,
    retention_days INTEGER      NOT NULL,
    -- The redaction patterns, a JSON array of regular expressions (at most 20), applied before anything is stored.
    redact         TEXT         NOT NULL,
    updated_at     TIMESTAMPTZ  NOT NULL
);

-- One answered chat completion, as it was stored: redacted already. The id is the chatcmpl-... id the response carried.
CREATE TABLE captured_exchange (
    id                    VARCHAR(64)  PRIMARY KEY,
    tenant                VARCHAR(100) NOT NULL,
    requested_model       VARCHAR(400) NOT NULL,
    served_model          VARCHAR(300) NOT NULL,
    version_id            VARCHAR(40),
    base_model            VARCHAR(300) NOT NULL,
    messages              TEXT         NOT NULL,
    -- sha256 of messages: two answers to the same prompt become a preference pair when both are rated.
    prompt_hash           CHAR(64)     NOT NULL,
    output                TEXT         NOT NULL,
    finish_reason         VARCHAR(20)  NOT NULL,
    prompt_tokens         INTEGER      NOT NULL,
    completion_tokens     INTEGER      NOT NULL,
    latency_ms            BIGINT       NOT NULL,
    time_to_first_token_ms BIGINT,
    streamed              BOOLEAN      NOT NULL,
    created_at            TIMESTAMPTZ  NOT NULL
);
CREATE INDEX captured_exchange_tenant ON captured_exchange (tenant, created_at DESC);
CREATE INDEX captured_exchange_prompt ON captured_exchange (tenant, prompt_hash);
CREATE INDEX captured_exchange_age ON captured_exchange (created_at);

-- The latest feedback on a captured answer (a second one replaces the first); goes with its exchange.
CREATE TABLE capture_feedback (
    response_id VARCHAR(64)  PRIMARY KEY REFERENCES captured_exchange (id) ON DELETE CASCADE,
    tenant      VARCHAR(100) NOT NULL,
    rating      SMALLINT,
    thumbs      VARCHAR(4),
    correction  TEXT,
    created_at  TIMESTAMPTZ  NOT NULL,
    updated_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX capture_feedback_tenant ON capture_feedback (tenant, updated_at);
