-- The model registry. A model version is what a succeeded job produced (an adapter or a whole model in our bucket, or a
-- model its provider keeps), with its lineage: dataset -> job -> artifact; evaluations and promotions point at it.
CREATE TABLE model_version (
    id              VARCHAR(40)   PRIMARY KEY,
    tenant          VARCHAR(100)  NOT NULL,
    job_id          VARCHAR(40)   NOT NULL UNIQUE,
    dataset_id      VARCHAR(40)   NOT NULL,
    base_model      VARCHAR(200)  NOT NULL,
    backend         VARCHAR(100)  NOT NULL,
    artifact_type   VARCHAR(20)   NOT NULL,
    bucket          VARCHAR(200),
    artifact_key    VARCHAR(500),
    provider_model  VARCHAR(300),
    source_event_id VARCHAR(200)  NOT NULL,
    created_at      TIMESTAMPTZ   NOT NULL
);
CREATE INDEX model_version_tenant_created ON model_version (tenant, created_at DESC);

-- A project's names for versions ("champion", or any): what serves a model reads.
CREATE TABLE model_alias (
    tenant           VARCHAR(100) NOT NULL,
    name             VARCHAR(64)  NOT NULL,
    model_version_id VARCHAR(40)  NOT NULL REFERENCES model_version (id),
    updated_at       TIMESTAMPTZ  NOT NULL,
    version          BIGINT       NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant, name)
);

-- Every change of an alias: who, when, why, from which version to which; a rollback undoes the promotion it reverses.
CREATE TABLE promotion (
    id                  VARCHAR(40)  PRIMARY KEY,
    tenant              VARCHAR(100) NOT NULL,
    alias               VARCHAR(64)  NOT NULL,
    kind                VARCHAR(20)  NOT NULL,
    model_version_id    VARCHAR(40)  NOT NULL REFERENCES model_version (id),
    previous_version_id VARCHAR(40)  REFERENCES model_version (id),
    evaluation_id       VARCHAR(40),
    automatic           BOOLEAN      NOT NULL,
    actor               VARCHAR(200) NOT NULL,
    reason              TEXT         NOT NULL,
    undone              BOOLEAN      NOT NULL DEFAULT FALSE,
    created_at          TIMESTAMPTZ  NOT NULL
);
CREATE INDEX promotion_alias_created ON promotion (tenant, alias, created_at DESC);

-- What a project asks of a candidate before it is promoted (a project without a row gets the defaults in code).
CREATE TABLE promotion_policy (
    tenant         VARCHAR(100)     PRIMARY KEY,
    metric         VARCHAR(50),
    margin         DOUBLE PRECISION NOT NULL,
    loss_margin    DOUBLE PRECISION NOT NULL,
    alias          VARCHAR(64)      NOT NULL,
    auto_promote   BOOLEAN          NOT NULL,
    updated_at     TIMESTAMPTZ      NOT NULL,
    updated_by     VARCHAR(200)     NOT NULL
);

-- An evaluation compares a candidate version with a baseline (the base model, or another version) and, when the project
-- has one, with its champion; the policy's decision is kept with the reasons a person reads.
ALTER TABLE evaluation ALTER COLUMN source_event_id DROP NOT NULL;
ALTER TABLE evaluation ADD COLUMN requested_by VARCHAR(200);
ALTER TABLE evaluation ADD COLUMN candidate_version_id VARCHAR(40);
ALTER TABLE evaluation ADD COLUMN baseline_version_id VARCHAR(40);
ALTER TABLE evaluation ADD COLUMN champion_version_id VARCHAR(40);
ALTER TABLE evaluation ADD COLUMN champion_model VARCHAR(300);
ALTER TABLE evaluation ADD COLUMN champion_mean DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN champion_loss DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN champion_difference_mean DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN champion_ci_low DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN champion_ci_high DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN loss_difference_ci_high DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN outcome VARCHAR(30);
ALTER TABLE evaluation ADD COLUMN decision VARCHAR(30);
ALTER TABLE evaluation ADD COLUMN decision_reasons TEXT;
ALTER TABLE evaluation ADD COLUMN policy_margin DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN policy_loss_margin DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN policy_alias VARCHAR(64);
ALTER TABLE evaluation ADD COLUMN policy_auto_promote BOOLEAN;

-- Jobs evaluated before the registry existed become versions too (their lineage is in the evaluation row), so that they
-- can be promoted and compared like any later one.
INSERT INTO model_version (id, tenant, job_id, dataset_id, base_model, backend, artifact_type, bucket, artifact_key,
                           source_event_id, created_at)
SELECT DISTINCT ON (job_id) 'mv-' || md5(job_id), tenant, job_id, dataset_id, base_model, 'local', artifact_type, bucket,
       artifact_key, source_event_id, created_at
FROM evaluation ORDER BY job_id, created_at
ON CONFLICT (job_id) DO NOTHING;
UPDATE evaluation SET candidate_version_id = 'mv-' || md5(job_id);
