-- The uploader's check options (JSON of CheckChoices; null: validation-service's defaults), and the dataset
-- a derived dataset (a clean subset) came from. A dataset has at most one clean version.
ALTER TABLE dataset ADD COLUMN checks TEXT;
ALTER TABLE dataset ADD COLUMN parent_dataset_id VARCHAR(40) REFERENCES dataset (id);
CREATE UNIQUE INDEX dataset_one_clean_version ON dataset (parent_dataset_id) WHERE parent_dataset_id IS NOT NULL;
