-- Every validation run belongs to the tenant that owns its dataset, as dataset-uploaded says (events from before tenants
-- carry none: "default"). Its kept problems carry it too, so no query of them can forget whose they are. No default for
-- new rows: the service must always say whose a run is.
ALTER TABLE validation_run ADD COLUMN tenant VARCHAR(100) NOT NULL DEFAULT 'default';
ALTER TABLE validation_run ALTER COLUMN tenant DROP DEFAULT;
ALTER TABLE validation_problem ADD COLUMN tenant VARCHAR(100) NOT NULL DEFAULT 'default';
ALTER TABLE validation_problem ALTER COLUMN tenant DROP DEFAULT;

-- The cross-version duplicate check looks up a tenant's earlier versions of a dataset by name, and only that tenant's.
CREATE INDEX validation_run_versions ON validation_run (tenant, dataset_name, created_at);
