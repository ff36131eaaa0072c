-- Sealing: the examples stored since the last seal become an immutable dataset version. Each example is sealed once
-- (sealed_in names its dataset); a collection's versions are numbered, with the previous version and the producers
-- whose examples went in (lineage on the collection's side: a dataset's parent_dataset_id means "clean subset of").
ALTER TABLE collection_example ADD COLUMN sealed_in VARCHAR(40) REFERENCES dataset (id);
CREATE INDEX collection_example_unsealed ON collection_example (collection_id, id) WHERE sealed_in IS NULL;

CREATE TABLE collection_version (
    collection_id       VARCHAR(40) NOT NULL REFERENCES collection (id),
    version             INT         NOT NULL,
    dataset_id          VARCHAR(40) NOT NULL UNIQUE REFERENCES dataset (id),
    previous_dataset_id VARCHAR(40) REFERENCES dataset (id),
    examples            BIGINT      NOT NULL,
    -- JSON array of the producer ids whose examples are in this version.
    producers           TEXT        NOT NULL,
    sealed_at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (collection_id, version)
);

-- Seal on its own every N new valid examples (null: by hand only).
ALTER TABLE collection ADD COLUMN seal_every INT;

-- The format of the collection's examples, pinned by its first valid one: a version mixing formats would fail the file
-- check (DATASET_FORMAT_MIXED), so an example of another format is refused on arrival instead.
ALTER TABLE collection ADD COLUMN format VARCHAR(20);
