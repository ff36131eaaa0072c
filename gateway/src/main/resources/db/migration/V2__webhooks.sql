-- Webhook subscriptions of a project. The signing secret must be readable to sign (HMAC), so unlike an API key it is
-- kept as it is; after a rotation the previous one keeps signing beside it until previous_secret_until.
create table webhooks (
    id                    varchar(40)   primary key,
    project_id            varchar(100)  not null references projects (id),
    url                   varchar(2000) not null,
    -- Space-separated topic names the subscription receives.
    events                varchar(400)  not null,
    description           varchar(500),
    secret                varchar(100)  not null,
    previous_secret       varchar(100),
    previous_secret_until timestamptz,
    created_at            timestamptz   not null,
    created_by            varchar(100)  not null,
    rotated_at            timestamptz
);
create index webhooks_project on webhooks (project_id);

-- One event for one subscription, and where its delivery stands. The event id and subscription are unique together, so a
-- record consumed twice (after a rebalance or a restart before the offset was committed) makes no second delivery.
create table webhook_deliveries (
    id                 varchar(40)  primary key,
    webhook_id         varchar(40)  not null references webhooks (id) on delete cascade,
    event_id           varchar(200) not null,
    topic              varchar(60)  not null,
    body               text         not null,
    status             varchar(10)  not null check (status in ('PENDING', 'DELIVERED', 'FAILED')),
    attempts           int          not null,
    -- attempts made before the last manual redelivery: the retry limit counts from there.
    attempts_before_redelivery int  not null,
    -- When the sender may take it next; while an attempt is under way, the end of that attempt's lease.
    next_attempt_at    timestamptz,
    last_attempt_at    timestamptz,
    last_response_code int,
    last_outcome       varchar(300),
    created_at         timestamptz  not null,
    delivered_at       timestamptz,
    unique (event_id, webhook_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_webhook on webhook_deliveries (webhook_id, created_at desc);
