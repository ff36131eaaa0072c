-- Datasets in the read model belong to the tenant that uploaded them (from dataset-validated; earlier events had none).
alter table dataset add column tenant varchar(100) not null default 'default';

-- Idempotency keys are the tenant's own: two tenants may use the same key for different jobs.
alter table job drop constraint if exists job_idempotency_key_key;
drop index if exists job_idempotency_key_key;
create unique index job_tenant_idempotency_key on job (tenant_id, idempotency_key) where idempotency_key is not null;
