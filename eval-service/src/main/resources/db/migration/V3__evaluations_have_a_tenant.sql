-- Every evaluation belongs to a tenant (a project), taken from its job-completed event; evaluations from before tenants
-- existed belong to 'default', as events without a tenant do. The per-item results (S3) belong to their evaluation.
-- No default afterwards: a row written without its tenant is a bug to fail on, not an evaluation of 'default'.
ALTER TABLE evaluation ADD COLUMN tenant VARCHAR(100) NOT NULL DEFAULT 'default';
ALTER TABLE evaluation ALTER COLUMN tenant DROP DEFAULT;

-- The API lists a tenant's evaluations, newest first, all of them or a job's.
DROP INDEX evaluation_created;
CREATE INDEX evaluation_tenant_created ON evaluation (tenant, created_at DESC);
