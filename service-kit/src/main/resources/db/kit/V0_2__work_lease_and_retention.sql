-- Work leases: which process works on what, fenced by attempt (see dev.refinery.kit.lease.WorkLeases).
-- One row per piece of long work (a training job, a validation run, an evaluation), written in the same
-- transaction as the work's own row. Times come from the database clock, so replicas never compare clocks.
CREATE TABLE work_lease (
    kind       VARCHAR(100) NOT NULL,
    work_id    VARCHAR(200) NOT NULL,
    state      VARCHAR(10)  NOT NULL CHECK (state IN ('OPEN', 'HELD', 'DONE')),
    attempt    INTEGER      NOT NULL DEFAULT 0,
    failures   INTEGER      NOT NULL DEFAULT 0,
    retries    INTEGER      NOT NULL DEFAULT 0,
    holder     VARCHAR(200),
    held_until TIMESTAMPTZ,
    next_at    TIMESTAMPTZ  NOT NULL,
    last_error TEXT,
    created_at TIMESTAMPTZ  NOT NULL,
    updated_at TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (kind, work_id)
);
CREATE INDEX work_lease_open ON work_lease (kind, next_at) WHERE state = 'OPEN';
CREATE INDEX work_lease_held ON work_lease (kind, held_until) WHERE state = 'HELD';

-- An event the broker refuses for good (too large, unknown topic) is parked instead of blocking the ones behind it.
ALTER TABLE outbox_event ADD COLUMN parked_at TIMESTAMPTZ;
CREATE INDEX outbox_event_sent ON outbox_event (sent_at) WHERE sent_at IS NOT NULL;
CREATE INDEX processed_event_age ON processed_event (processed_at);
