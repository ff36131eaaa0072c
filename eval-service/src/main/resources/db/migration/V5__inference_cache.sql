-- Answers of models called over HTTP during evaluations, so that a re-evaluation does not pay for them twice.
-- cache_key is the SHA-256 (hex) of a canonical JSON of tenant, base URL, model, the prompt's messages and the
-- decoding settings (dev.refinery.eval.inference.CacheKey); only successful answers are stored.
CREATE TABLE inference_output (
    cache_key  CHAR(64)     PRIMARY KEY,
    -- The project that paid for it: the key includes it, so another project never reads it.
    tenant     VARCHAR(100) NOT NULL,
    -- Kept beside the key so that an operator can see and delete what one model answered.
    base_url   VARCHAR(500) NOT NULL,
    model      VARCHAR(300) NOT NULL,
    output     TEXT         NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL
);

CREATE INDEX inference_output_by_model ON inference_output (tenant, base_url, model);
