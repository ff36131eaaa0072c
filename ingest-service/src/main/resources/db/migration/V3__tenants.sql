-- Every dataset belongs to a tenant: the project whose caller uploaded it (a clean version: its parent's). Datasets stored
-- before tenants existed belong to "default". No default for new rows: the service must always say whose a dataset is.
ALTER TABLE dataset ADD COLUMN tenant VARCHAR(100) NOT NULL DEFAULT 'default';
ALTER TABLE dataset ALTER COLUMN tenant DROP DEFAULT;
-- Every read is filtered by tenant; the newest-first list is the common one.
CREATE INDEX dataset_tenant_created ON dataset (tenant, created_at DESC);

-- Idempotency keys are scoped per tenant: the same key sent by two tenants names two unrelated requests.
ALTER TABLE dataset DROP CONSTRAINT dataset_idempotency_key_key;
ALTER TABLE dataset ADD CONSTRAINT dataset_idempotency_key_per_tenant UNIQUE (tenant, idempotency_key);
