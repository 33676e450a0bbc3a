-- Issue 22 (console for operators and auditors), server side.
--
-- Actors' names and roles need no column: they are written, when the event is, into the V45
-- `display` column (keys actor.name, actor.roles), beside the hashed form and never inside it
-- (docs/audit.md, "Actors by name"), so existing events and their hashes are untouched.
--
-- Single-use export tickets: `POST /api/v1/audit/export/tickets` stores the SHA-256 of a random
-- ticket (never the ticket itself) with the caller and the export's parameters; `GET
-- /api/v1/audit/export?ticket=` redeems it once, within 60 seconds of database time (so the
-- instances' clocks do not matter and any instance can redeem what another issued). Spent and
-- expired rows are deleted a day later by the issuing path.
CREATE TABLE audit_export_tickets (
    ticket_hash text        PRIMARY KEY CHECK (ticket_hash ~ '^[0-9a-f]{64}$'),
    chain_id    text        NOT NULL,
    format      text        NOT NULL CHECK (format IN ('jsonl', 'csv')),
    period_from text,
    period_to   text,
    actor_kind  text        NOT NULL,
    actor       text        NOT NULL,
    actor_name  text        NOT NULL,
    actor_roles text        NOT NULL,
    tenant_id   uuid,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX audit_export_tickets_expiry ON audit_export_tickets (expires_at);

REVOKE ALL ON audit_export_tickets FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON audit_export_tickets TO ${app_role};

-- Circuit-breaker state per instance (routing): breakers live in each instance's memory; every
-- transition is also written here (asynchronously, never on the request's path), so that the
-- dashboard reads every instance's breakers from one place. A provider without a row on an
-- instance has a closed breaker there. Read-only for the API.
CREATE TABLE routing_breaker_states (
    instance    text        NOT NULL CHECK (length(instance) BETWEEN 1 AND 200),
    provider_id uuid        NOT NULL,
    tenant_id   uuid,
    provider    text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('closed', 'open', 'half_open')),
    open_ms     bigint      NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, provider_id)
);
CREATE INDEX routing_breaker_states_tenant ON routing_breaker_states (tenant_id);

REVOKE ALL ON routing_breaker_states FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE, DELETE ON routing_breaker_states TO ${app_role};
