-- Tables of the service kit, created in every service's own schema (flyway locations db/migration,db/kit).

-- Events written in the same transaction as the state change that caused them; the relay publishes
-- them in id order and stamps sent_at only after the broker acknowledged the record.
CREATE SEQUENCE outbox_event_seq START WITH 1 INCREMENT BY 50;
CREATE TABLE outbox_event (
    id           BIGINT       PRIMARY KEY,
    event_id     UUID         NOT NULL UNIQUE,
    topic        VARCHAR(200) NOT NULL,
    aggregate_id VARCHAR(200) NOT NULL,
    ce_type      VARCHAR(200) NOT NULL,
    payload      TEXT         NOT NULL,
    created_at   TIMESTAMPTZ  NOT NULL,
    sent_at      TIMESTAMPTZ,
    attempts     INTEGER      NOT NULL DEFAULT 0,
    last_error   TEXT
);
CREATE INDEX outbox_event_unsent ON outbox_event (id) WHERE sent_at IS NULL;

-- CloudEvents ids a consumer has applied, written in the transaction of its effect.
CREATE TABLE processed_event (
    consumer     VARCHAR(100) NOT NULL,
    event_id     VARCHAR(200) NOT NULL,
    processed_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (consumer, event_id)
);
