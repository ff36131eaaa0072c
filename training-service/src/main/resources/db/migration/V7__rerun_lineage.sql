-- A job submitted by POST /jobs/{id}/rerun remembers the job it repeats, so that a model migrated to another backend
-- shows where its spec came from. Jobs recorded before were not reruns, as far as anyone can tell: null.
ALTER TABLE job ADD COLUMN rerun_of_job_id VARCHAR(40);
