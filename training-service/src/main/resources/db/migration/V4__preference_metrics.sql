-- DPO steps report how often the model prefers the chosen answer and by how much (null for SFT and provider jobs
-- that do not report them).
ALTER TABLE job_step_metric ADD COLUMN reward_accuracy DOUBLE PRECISION;
ALTER TABLE job_step_metric ADD COLUMN reward_margin DOUBLE PRECISION;
