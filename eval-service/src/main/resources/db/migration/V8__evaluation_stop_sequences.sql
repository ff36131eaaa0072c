-- The fixed decoding of an evaluation may end answers at stop sequences (JSON array of strings; null: none).
ALTER TABLE evaluation ADD COLUMN stop TEXT;
