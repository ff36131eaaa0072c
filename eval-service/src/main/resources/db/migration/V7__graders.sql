-- Graders: named, versioned checks a project defines once and uses as evaluation metrics and promotion gates
-- ("grader:<name>@<version>" in an evaluation's metric list). A version is never changed.
CREATE TABLE grader (
    id         VARCHAR(40)  PRIMARY KEY,
    tenant     VARCHAR(100) NOT NULL,
    name       VARCHAR(64)  NOT NULL,
    version    INTEGER      NOT NULL,
    kind       VARCHAR(30)  NOT NULL,
    config     TEXT         NOT NULL,
    created_by VARCHAR(200) NOT NULL,
    created_at TIMESTAMPTZ  NOT NULL,
    UNIQUE (tenant, name, version)
);
