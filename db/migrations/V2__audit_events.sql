-- The audit trail: append-only, one hash chain per tenant ('platform' for platform events).
-- The runtime role may only INSERT and SELECT; triggers refuse UPDATE, DELETE and TRUNCATE for
-- everyone, the owner included (a superuser can disable triggers: that is what the chain and the
-- signed checkpoints expose).
CREATE TABLE audit_events (
    chain_id            text        NOT NULL,
    seq                 bigint      NOT NULL CHECK (seq >= 1),
    event_id            uuid        NOT NULL UNIQUE,
    occurred_at         timestamptz NOT NULL,
    tenant_id           uuid,
    actor_kind          text        NOT NULL,
    actor               text        NOT NULL,
    action              text        NOT NULL,
    target_type         text,
    target_id           text,
    outcome             text        NOT NULL,
    request_id          text,
    details             jsonb       NOT NULL DEFAULT '{}'::jsonb,
    content_hash        text,
    -- accounting of a gateway request (one write per request)
    key_id              text,
    route               text,
    provider            text,
    model               text,
    region              text,
    status_code         integer,
    input_tokens        bigint,
    output_tokens       bigint,
    tokens_estimated    boolean,
    cost_micros         bigint,
    latency_ms          bigint,
    provider_latency_ms bigint,
    ttft_ms             bigint,
    cache_hit           boolean,
    streamed            boolean,
    prompt_version      text,
    policy_version      text,
    prev_hash           text        NOT NULL,
    hash                text        NOT NULL,
    PRIMARY KEY (chain_id, seq),
    CHECK ((tenant_id IS NULL AND chain_id = 'platform') OR chain_id = tenant_id::text)
);

CREATE INDEX audit_events_tenant_time ON audit_events (tenant_id, occurred_at);
CREATE INDEX audit_events_request ON audit_events (request_id);
CREATE INDEX audit_events_action_time ON audit_events (action, occurred_at);
CREATE INDEX audit_events_key_time ON audit_events (key_id, occurred_at) WHERE key_id IS NOT NULL;

CREATE FUNCTION audit_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

REVOKE ALL ON audit_events FROM PUBLIC;
GRANT SELECT, INSERT ON audit_events TO ${app_role};
