-- A sealed version names its collection in dataset-uploaded (validation-service passes it on in dataset-validated, where
-- training-service runs the collection's pipelines). Uploads and clean subsets: null.
ALTER TABLE dataset ADD COLUMN collection_id VARCHAR(40);
