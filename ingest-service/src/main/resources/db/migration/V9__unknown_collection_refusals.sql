-- Refusals of examples sent for a collection that does not exist, or that is another tenant's (the same answer). They
-- have no rejection log to be unique in, so this table is their "announced once" key: a redelivered or retried record
-- is not announced again on examples-rejected. No reference to collection: the collection is unknown, or not the tenant's.
CREATE TABLE unknown_collection_refusal (
    tenant         VARCHAR(100) NOT NULL,
    collection_id  VARCHAR(40)  NOT NULL,
    producer_id    VARCHAR(100) NOT NULL,
    idempotency_id VARCHAR(200) NOT NULL,
    sha256         CHAR(64)     NOT NULL,
    received_at    TIMESTAMPTZ  NOT NULL,
    CONSTRAINT unknown_collection_refusal_once PRIMARY KEY (tenant, collection_id, producer_id, idempotency_id, sha256)
);
