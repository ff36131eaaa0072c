-- Validation runs move onto the service kit's work lease (kind 'validation-run', table work_lease from db/kit): the lease
-- says which process works on a run, renews that claim while it works and decides when a run is tried again; the run keeps
-- its outcome and, for the API, its attempt count. A version column fences every other writer of the row (optimistic lock).
ALTER TABLE validation_run ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- Unfinished runs get a lease that is due at once; a run left RUNNING by the previous version is waiting again.
INSERT INTO work_lease (kind, work_id, state, attempt, next_at, created_at, updated_at)
SELECT 'validation-run', dataset_id, 'OPEN', attempts, clock_timestamp(), clock_timestamp(), clock_timestamp()
FROM validation_run WHERE status IN ('PENDING', 'RUNNING')
ON CONFLICT (kind, work_id) DO NOTHING;
UPDATE validation_run SET status = 'PENDING' WHERE status = 'RUNNING';

-- The run's own claim, heartbeat and back-off are gone: the lease has them.
DROP INDEX validation_run_queued;
DROP INDEX validation_run_running;
ALTER TABLE validation_run DROP COLUMN next_attempt_at;
ALTER TABLE validation_run DROP COLUMN heartbeat_at;
