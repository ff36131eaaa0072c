-- Each dataset's own check options from its dataset-uploaded event (null: the service's configured default),
-- the fixed test set it names, and the dataset it was derived from (a clean subset's parent).
ALTER TABLE validation_run ADD COLUMN check_target        VARCHAR(32);
ALTER TABLE validation_run ADD COLUMN check_model         VARCHAR(200);
ALTER TABLE validation_run ADD COLUMN check_splits        VARCHAR(16);
ALTER TABLE validation_run ADD COLUMN check_dedup         VARCHAR(16);
ALTER TABLE validation_run ADD COLUMN check_over_context  VARCHAR(16);
ALTER TABLE validation_run ADD COLUMN check_epochs        INTEGER;
ALTER TABLE validation_run ADD COLUMN check_evaluations   INTEGER;
ALTER TABLE validation_run ADD COLUMN test_set_dataset_id VARCHAR(40);
ALTER TABLE validation_run ADD COLUMN test_set_bucket     VARCHAR(200);
ALTER TABLE validation_run ADD COLUMN test_set_key        VARCHAR(1024);
ALTER TABLE validation_run ADD COLUMN parent_dataset_id   VARCHAR(40);
