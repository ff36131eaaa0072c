-- Who may call the gateway. A project is the tenant that owns datasets, jobs, evaluations, secrets and budgets
-- in the services; an organization groups projects and the admins who manage them.
create table organizations (
    id          varchar(100) primary key,
    created_at  timestamptz  not null
);

create table projects (
    id              varchar(100) primary key,
    organization_id varchar(100) not null references organizations (id),
    created_at      timestamptz  not null
);

-- An API key is shown once; only its SHA-256 is kept (the key is 190 random bits, so a fast hash is enough).
-- The prefix is the key's visible, non-secret part: listed, logged and written in the audit log.
create table api_keys (
    id          varchar(40)  primary key,
    project_id  varchar(100) not null references projects (id),
    prefix      varchar(16)  not null unique,
    secret_hash bytea        not null,
    scope       varchar(10)  not null check (scope in ('read', 'write', 'admin')),
    name        varchar(200) not null,
    created_at  timestamptz  not null,
    created_by  varchar(100) not null,
    expires_at  timestamptz,
    revoked_at  timestamptz
);
create index api_keys_project on api_keys (project_id);

create table audit_entries (
    id         bigserial     primary key,
    at         timestamptz   not null,
    tenant     varchar(100)  not null,
    actor      varchar(100)  not null,
    action     varchar(60)   not null,
    target     varchar(300),
    status     int           not null
);
create index audit_entries_tenant_at on audit_entries (tenant, at desc);
