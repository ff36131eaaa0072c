-- A key may have a request rate of its own (per minute); null: the deployment's refinery.auth.requests-per-minute.
alter table api_keys add column requests_per_minute int check (requests_per_minute > 0);
