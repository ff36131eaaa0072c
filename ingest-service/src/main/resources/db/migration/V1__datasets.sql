CREATE TABLE dataset (
    id              VARCHAR(40)  PRIMARY KEY,
    name            VARCHAR(200) NOT NULL,
    bucket          VARCHAR(200) NOT NULL,
    object_key      VARCHAR(500) NOT NULL,
    content_type    VARCHAR(200),
    bytes           BIGINT       NOT NULL,
    lines           BIGINT       NOT NULL,
    sha256          CHAR(64)     NOT NULL,
    idempotency_key VARCHAR(200) UNIQUE,
    created_at      TIMESTAMPTZ  NOT NULL
);
CREATE INDEX dataset_created ON dataset (created_at DESC);
