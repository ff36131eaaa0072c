-- A model of an operator's server is registered once per project: two registrations at once cannot both insert.
CREATE UNIQUE INDEX model_version_served ON model_version (tenant, backend, provider_model) WHERE job_id IS NULL;
