-- Pausing provider jobs (OpenAI) and closing the window between a provider accepting a create and us storing its id.
-- Additive only.

-- Since when the provider reports the job paused (null while it is not): the canonical status stays RUNNING, the raw
-- status says "paused"; set and cleared as polls and pause/resume answers report it, with one history entry each way.
-- pause_changed_at: when we last learnt it was paused or running again, so that a poll answered before that (slower than
-- a pause request's own answer) does not undo it.
ALTER TABLE job ADD COLUMN paused_at        TIMESTAMPTZ;
ALTER TABLE job ADD COLUMN pause_changed_at TIMESTAMPTZ;

-- Written (committed) just before the create request: the provider's id of the training file the create names. A job
-- with this set and no provider_job_id may have been created at the provider without our knowing: its next submission
-- first looks for a provider job on that file and adopts it, and creates only when there is none.
ALTER TABLE job ADD COLUMN create_file_id     VARCHAR(300);
ALTER TABLE job ADD COLUMN create_requested_at TIMESTAMPTZ;
