-- The registry's versions as this service serves them (read model of model-registered; eval-service owns the registry).
CREATE TABLE served_version (
    id             VARCHAR(40)  PRIMARY KEY,
    tenant         VARCHAR(100) NOT NULL,
    name           VARCHAR(400) NOT NULL,
    job_id         VARCHAR(40),
    base_model     VARCHAR(300) NOT NULL,
    backend        VARCHAR(120) NOT NULL,
    artifact_type  VARCHAR(40)  NOT NULL,
    bucket         VARCHAR(200),
    artifact_key   VARCHAR(500),
    provider_model VARCHAR(300),
    registered_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX served_version_tenant ON served_version (tenant, registered_at DESC);
CREATE INDEX served_version_job ON served_version (job_id);

-- Which version each alias of a project names (read model of model-promoted), with the promotion's time so that an older
-- event arriving late changes nothing.
CREATE TABLE served_alias (
    tenant      VARCHAR(100) NOT NULL,
    alias       VARCHAR(100) NOT NULL,
    version_id  VARCHAR(40)  NOT NULL,
    changed_at  TIMESTAMPTZ  NOT NULL,
    PRIMARY KEY (tenant, alias)
);
