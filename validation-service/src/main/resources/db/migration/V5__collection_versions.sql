-- A dataset sealed from a collection (issue 14) names it in dataset-uploaded; the verdict passes it on in dataset-validated,
-- where training-service runs the collection's pipelines. Runs recorded before were uploads: null.
ALTER TABLE validation_run ADD COLUMN collection_id VARCHAR(40);
