-- Evaluations move onto the service kit's work lease (kind 'evaluation', table work_lease from db/kit): the lease says which
-- process runs an evaluation, is renewed for as long as it runs (an evaluation longer than its lease is no longer started
-- again in parallel) and decides when one is tried again. The row keeps the result and, for the API, its attempt count.
ALTER TABLE evaluation ADD COLUMN version BIGINT NOT NULL DEFAULT 0;

-- What is evaluated: a LoRA adapter over the base model, or a whole fine-tuned model (job-completed v2's artifact).
ALTER TABLE evaluation ADD COLUMN artifact_type VARCHAR(20) NOT NULL DEFAULT 'LORA_ADAPTER';
ALTER TABLE evaluation RENAME COLUMN adapter_key TO artifact_key;

-- Unfinished evaluations get a lease that is due at once; one left RUNNING by the previous version is waiting again.
INSERT INTO work_lease (kind, work_id, state, attempt, next_at, created_at, updated_at)
SELECT 'evaluation', id, 'OPEN', attempts, clock_timestamp(), clock_timestamp(), clock_timestamp()
FROM evaluation WHERE status IN ('PENDING', 'RUNNING')
ON CONFLICT (kind, work_id) DO NOTHING;
UPDATE evaluation SET status = 'PENDING' WHERE status = 'RUNNING';

-- The row's own claim is gone: the lease has the holder, its expiry and the last attempt's error.
ALTER TABLE evaluation DROP COLUMN worker_id;
ALTER TABLE evaluation DROP COLUMN lease_until;
ALTER TABLE evaluation DROP COLUMN last_error;
