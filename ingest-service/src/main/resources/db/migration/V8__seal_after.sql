-- Seal on its own once the oldest unsealed valid example has waited this long (seconds; null: no time window). The
-- sweep looks only at collections that have one.
ALTER TABLE collection ADD COLUMN seal_after_seconds BIGINT;
CREATE INDEX collection_seal_after ON collection (id) WHERE seal_after_seconds IS NOT NULL;
