-- Per-producer rate limits of a collection: examples a second one producer may send on average, and how many at once.
-- Null: the service's defaults (refinery.ingest.producer-rate, producer-burst).
ALTER TABLE collection ADD COLUMN producer_rate DOUBLE PRECISION;
ALTER TABLE collection ADD COLUMN producer_burst INT;
