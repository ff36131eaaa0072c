-- Collections: examples arrive one by one (Kafka topic `examples` or POST /collections/{id}/examples), are checked on
-- arrival with the validator's per-record rules, and wait in `collection_example` until a dataset version is sealed
-- from them. A collection belongs to a tenant exactly like a dataset.
CREATE TABLE collection (
    id         VARCHAR(40)  PRIMARY KEY,
    tenant     VARCHAR(100) NOT NULL,
    name       VARCHAR(200) NOT NULL,
    -- The check options its examples are validated with (JSON of CheckChoices, as for an upload; null: the defaults).
    checks     TEXT,
    created_at TIMESTAMPTZ  NOT NULL
);
CREATE INDEX collection_tenant_created ON collection (tenant, created_at DESC);

-- Every valid example, stored once per (collection, producer, idempotency id): a producer's retry finds its first copy.
CREATE TABLE collection_example (
    id             BIGSERIAL    PRIMARY KEY,
    collection_id  VARCHAR(40)  NOT NULL REFERENCES collection (id),
    producer_id    VARCHAR(100) NOT NULL,
    idempotency_id VARCHAR(200) NOT NULL,
    -- The example as one JSONL line, as checked; sha256 of it tells a retry from another example under a reused id.
    example        TEXT         NOT NULL,
    sha256         CHAR(64)     NOT NULL,
    format         VARCHAR(20)  NOT NULL,
    via            VARCHAR(10)  NOT NULL,
    received_at    TIMESTAMPTZ  NOT NULL,
    CONSTRAINT collection_example_once UNIQUE (collection_id, producer_id, idempotency_id)
);

-- The rejection log a producer reads back. One row per distinct refused example (its sha256 in the key), so a
-- redelivered or retried refusal is logged and announced once, and a corrected resend under the same id still counts.
CREATE TABLE collection_rejection (
    id             BIGSERIAL    PRIMARY KEY,
    collection_id  VARCHAR(40)  NOT NULL REFERENCES collection (id),
    producer_id    VARCHAR(100) NOT NULL,
    idempotency_id VARCHAR(200) NOT NULL,
    sha256         CHAR(64)     NOT NULL,
    -- JSON array of {code, path, message, hint}, bounded at the service (at most 20 problems, texts cut).
    problems       TEXT         NOT NULL,
    via            VARCHAR(10)  NOT NULL,
    received_at    TIMESTAMPTZ  NOT NULL,
    CONSTRAINT collection_rejection_once UNIQUE (collection_id, producer_id, idempotency_id, sha256)
);
CREATE INDEX collection_rejection_newest ON collection_rejection (collection_id, id DESC);
