-- A metric can be a grader pinned to its version, "grader:" + a name of up to 64 characters + "@" + up to 9 digits (81
-- characters), named by a policy or, since a job may say how it is evaluated, by the job: 50 characters cut such names off
-- (the insert failed and the job-completed was dead-lettered). The list of metrics an evaluation scores is unbounded text.
ALTER TABLE evaluation ALTER COLUMN metric TYPE VARCHAR(120);
ALTER TABLE evaluation ALTER COLUMN metrics TYPE TEXT;
ALTER TABLE evaluation_metric ALTER COLUMN metric TYPE VARCHAR(120);
ALTER TABLE promotion_policy ALTER COLUMN metric TYPE VARCHAR(120);
