-- Datasets of each project as validation-service announced them (read model of dataset-validated): an evaluation by hand may
-- use any validated dataset of its project as its test set, not only the candidate's or the baseline's.
CREATE TABLE validated_dataset (
    dataset_id    VARCHAR(40)  PRIMARY KEY,
    tenant        VARCHAR(100) NOT NULL,
    status        VARCHAR(20)  NOT NULL,
    valid_records BIGINT,
    test_records  BIGINT,
    validated_at  TIMESTAMPTZ  NOT NULL
);
CREATE INDEX validated_dataset_tenant ON validated_dataset (tenant, validated_at DESC);

-- The test items of an evaluation: the dataset's test split (false) or every record the dataset's check kept (true).
ALTER TABLE evaluation ADD COLUMN whole_dataset BOOLEAN NOT NULL DEFAULT FALSE;

-- A model served by an OpenAI-compatible server the operator configured (vLLM, TGI, ...) is registered by hand: no job made
-- it and no dataset of ours trained it.
ALTER TABLE model_version ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE model_version ALTER COLUMN dataset_id DROP NOT NULL;
ALTER TABLE model_version ADD COLUMN registered_by VARCHAR(200);
ALTER TABLE evaluation ALTER COLUMN job_id DROP NOT NULL;
ALTER TABLE model_version ALTER COLUMN source_event_id DROP NOT NULL;
