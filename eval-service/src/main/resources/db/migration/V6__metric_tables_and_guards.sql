-- An evaluation scores every metric of its list, not only the primary one: one row per metric, the candidate against
-- its baseline and (when there was one) against the champion.
ALTER TABLE evaluation ADD COLUMN metrics VARCHAR(500);
ALTER TABLE evaluation ADD COLUMN policy_guards TEXT;

CREATE TABLE evaluation_metric (
    evaluation_id            VARCHAR(40)      NOT NULL REFERENCES evaluation (id),
    metric                   VARCHAR(50)      NOT NULL,
    position                 INTEGER          NOT NULL,
    baseline_mean            DOUBLE PRECISION NOT NULL,
    candidate_mean           DOUBLE PRECISION NOT NULL,
    difference_mean          DOUBLE PRECISION NOT NULL,
    ci_low                   DOUBLE PRECISION NOT NULL,
    ci_high                  DOUBLE PRECISION NOT NULL,
    minimum_detectable_effect DOUBLE PRECISION,
    mcnemar_p_value          DOUBLE PRECISION,
    champion_mean            DOUBLE PRECISION,
    champion_difference_mean DOUBLE PRECISION,
    champion_ci_low          DOUBLE PRECISION,
    champion_ci_high         DOUBLE PRECISION,
    PRIMARY KEY (evaluation_id, metric)
);

-- Guard metrics of a project's policy: [{"metric": "rouge_l", "margin": 0.05}, ...] (JSON); none by default.
ALTER TABLE promotion_policy ADD COLUMN guards TEXT;

-- The forgetting guard: the candidate and its base model on the base model's general-ability set.
ALTER TABLE evaluation ADD COLUMN forgetting_items INTEGER;
ALTER TABLE evaluation ADD COLUMN forgetting_baseline_loss DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN forgetting_candidate_loss DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN forgetting_loss_ci_high DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN forgetting_baseline_generation DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN forgetting_candidate_generation DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN forgetting_generation_ci_low DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN policy_forgetting_margin DOUBLE PRECISION;
ALTER TABLE evaluation ADD COLUMN policy_forgetting_loss_margin DOUBLE PRECISION;
-- The generation check gates by default; the loss rise gates only when a project sets a margin for it (see the README).
ALTER TABLE promotion_policy ADD COLUMN forgetting_margin DOUBLE PRECISION NOT NULL DEFAULT 0.1;
ALTER TABLE promotion_policy ADD COLUMN forgetting_loss_margin DOUBLE PRECISION;

-- A model its provider keeps is evaluated through the provider's chat-completions API: it has no bucket nor key.
ALTER TABLE evaluation ALTER COLUMN bucket DROP NOT NULL;
ALTER TABLE evaluation ALTER COLUMN artifact_key DROP NOT NULL;
