-- Webhooks: each tenant's endpoints told about every change request transition. The secret that
-- signs deliveries is sealed under the master key (SecretBox); the URL is not a secret.
CREATE TABLE governance_webhooks (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        NOT NULL,
    url           text        NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    description   text,
    secret_sealed text        NOT NULL,
    active        boolean     NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    version       bigint      NOT NULL DEFAULT 0
);

CREATE INDEX governance_webhooks_tenant ON governance_webhooks (tenant_id) WHERE active;

-- The outbox: a delivery row is written in the same transaction as the transition it reports, and
-- sent after commit; failures are retried with backoff until attempts run out.
CREATE TABLE governance_webhook_deliveries (
    id               uuid        PRIMARY KEY,
    webhook_id       uuid        NOT NULL REFERENCES governance_webhooks (id),
    tenant_id        uuid        NOT NULL,
    change_id        uuid        NOT NULL,
    event            text        NOT NULL,
    payload          text        NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    last_status_code integer,
    last_error       text,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz
);

CREATE INDEX governance_webhook_deliveries_due
    ON governance_webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX governance_webhook_deliveries_webhook
    ON governance_webhook_deliveries (webhook_id, created_at);

GRANT SELECT, INSERT, UPDATE ON governance_webhooks TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON governance_webhook_deliveries TO ${app_role};
