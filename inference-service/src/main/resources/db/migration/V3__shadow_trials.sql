-- Shadow trials (issue 14): a share of a project's live requests to an alias is answered by a challenger too, never
-- returned to the caller, and a judge model compares the two answers, asked both ways. A pipeline run opens one (its id is
-- the run's) and reads it back until it ends.
CREATE TABLE shadow_trial (
    id                    VARCHAR(64)   PRIMARY KEY,
    tenant                VARCHAR(100)  NOT NULL,
    alias                 VARCHAR(100)  NOT NULL,
    challenger_version_id VARCHAR(40)   NOT NULL,
    judge                 VARCHAR(300)  NOT NULL,
    share                 DOUBLE PRECISION NOT NULL,
    pairs_wanted          INTEGER       NOT NULL,
    status                VARCHAR(20)   NOT NULL,
    -- pairs the challenger won both ways, lost both ways, or on which the judge changed its mind when they were swapped
    wins                  INTEGER       NOT NULL DEFAULT 0,
    losses                INTEGER       NOT NULL DEFAULT 0,
    ties                  INTEGER       NOT NULL DEFAULT 0,
    -- pairs the judge answered with neither A nor B, or that could not be asked: not counted towards pairs_wanted
    unclear               INTEGER       NOT NULL DEFAULT 0,
    started_at            TIMESTAMPTZ   NOT NULL,
    ends_at               TIMESTAMPTZ   NOT NULL,
    ended_at              TIMESTAMPTZ,
    end_reason            VARCHAR(400)
);
-- One open trial per alias of a project: the request path looks trials up by (tenant, alias).
CREATE UNIQUE INDEX shadow_trial_one_open_per_alias ON shadow_trial (tenant, alias) WHERE status = 'OPEN';

-- Each judged pair, with the id of the answer the caller received (its content is kept only if the project captures).
CREATE TABLE shadow_pair (
    id           VARCHAR(40) PRIMARY KEY,
    trial_id     VARCHAR(64) NOT NULL REFERENCES shadow_trial (id),
    response_id  VARCHAR(64) NOT NULL,
    outcome      VARCHAR(20) NOT NULL,
    judged_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX shadow_pair_trial ON shadow_pair (trial_id);
