-- V8's "one run of a version per pipeline" index named the trigger in lower case, while runs store it as the enum's name
-- (VERSION): it covered no row. Recreated on what is stored.
DROP INDEX pipeline_run_version;
CREATE UNIQUE INDEX pipeline_run_version ON pipeline_run (pipeline_id, dataset_id) WHERE trigger = 'VERSION';
