-- The gateway's catalog: providers with their models, and routes (public aliases -> targets).
-- Everything is tenant-scoped. Provider credentials are sealed by SecretBox (never plaintext).
-- Prices are integer micro-units of currency per million tokens, so cost arithmetic is exact.
CREATE TABLE routing_providers (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES edge_tenants (id),
    name             text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
    kind             text        NOT NULL CHECK (kind IN ('openai', 'azure-openai', 'anthropic', 'sandbox')),
    base_url         text,
    credential       text,
    region           text        NOT NULL DEFAULT 'local',
    clearance        integer     NOT NULL DEFAULT 0 CHECK (clearance BETWEEN 0 AND 3),
    timeout_ms       integer     NOT NULL DEFAULT 30000 CHECK (timeout_ms BETWEEN 100 AND 600000),
    max_concurrency  integer     NOT NULL DEFAULT 64 CHECK (max_concurrency BETWEEN 1 AND 10000),
    options          jsonb       NOT NULL DEFAULT '{}'::jsonb,
    enabled          boolean     NOT NULL DEFAULT true,
    version          text        NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
);

CREATE TABLE routing_models (
    provider_id           uuid    NOT NULL REFERENCES routing_providers (id) ON DELETE CASCADE,
    name                  text    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    tenant_id             uuid    NOT NULL REFERENCES edge_tenants (id),
    context_window        integer NOT NULL DEFAULT 8192 CHECK (context_window > 0),
    capabilities          text[]  NOT NULL DEFAULT '{}',
    input_price_micros    bigint  NOT NULL DEFAULT 0 CHECK (input_price_micros >= 0),
    output_price_micros   bigint  NOT NULL DEFAULT 0 CHECK (output_price_micros >= 0),
    PRIMARY KEY (provider_id, name)
);

CREATE TABLE routing_routes (
    id                     uuid        PRIMARY KEY,
    tenant_id              uuid        NOT NULL REFERENCES edge_tenants (id),
    alias                  text        NOT NULL CHECK (alias ~ '^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$'),
    operation              text        NOT NULL CHECK (operation IN ('chat', 'embeddings')),
    strategy               text        NOT NULL CHECK (strategy IN ('priority', 'weighted', 'lowest-latency', 'lowest-cost')),
    required_capabilities  text[]      NOT NULL DEFAULT '{}',
    cache_ttl_seconds      integer     NOT NULL DEFAULT 0 CHECK (cache_ttl_seconds BETWEEN 0 AND 86400),
    enabled                boolean     NOT NULL DEFAULT true,
    version                text        NOT NULL,
    updated_at             timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, alias)
);

-- Targets name provider and model loosely (by name): a provider's models can be replaced without
-- cascading into routes; the catalog skips (and logs) a target whose model no longer exists.
CREATE TABLE routing_route_targets (
    route_id   uuid    NOT NULL REFERENCES routing_routes (id) ON DELETE CASCADE,
    position   integer NOT NULL CHECK (position >= 0),
    tenant_id  uuid    NOT NULL REFERENCES edge_tenants (id),
    provider   text    NOT NULL,
    model      text    NOT NULL,
    weight     integer NOT NULL DEFAULT 1 CHECK (weight BETWEEN 0 AND 1000000),
    PRIMARY KEY (route_id, position)
);

-- One revision counter per tenant, bumped by triggers on every catalog change (whoever writes:
-- the application, a governance publish, or a script). Every instance polls it to drop stale caches.
CREATE TABLE routing_catalog_revisions (
    tenant_id  uuid   PRIMARY KEY REFERENCES edge_tenants (id),
    revision   bigint NOT NULL
);

CREATE FUNCTION routing_bump_revision() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    t uuid;
BEGIN
    IF TG_OP = 'DELETE' THEN t := OLD.tenant_id; ELSE t := NEW.tenant_id; END IF;
    INSERT INTO routing_catalog_revisions (tenant_id, revision) VALUES (t, 1)
        ON CONFLICT (tenant_id) DO UPDATE SET revision = routing_catalog_revisions.revision + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER routing_providers_revision AFTER INSERT OR UPDATE OR DELETE ON routing_providers
    FOR EACH ROW EXECUTE FUNCTION routing_bump_revision();
CREATE TRIGGER routing_models_revision AFTER INSERT OR UPDATE OR DELETE ON routing_models
    FOR EACH ROW EXECUTE FUNCTION routing_bump_revision();
CREATE TRIGGER routing_routes_revision AFTER INSERT OR UPDATE OR DELETE ON routing_routes
    FOR EACH ROW EXECUTE FUNCTION routing_bump_revision();
CREATE TRIGGER routing_route_targets_revision AFTER INSERT OR UPDATE OR DELETE ON routing_route_targets
    FOR EACH ROW EXECUTE FUNCTION routing_bump_revision();

CREATE INDEX routing_models_tenant ON routing_models (tenant_id);
CREATE INDEX routing_route_targets_tenant ON routing_route_targets (tenant_id);
-- Usage reports read gateway events by tenant and time (audit_events_tenant_time) filtered by action.

GRANT SELECT, INSERT, UPDATE, DELETE ON routing_providers, routing_models, routing_routes,
    routing_route_targets TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON routing_catalog_revisions TO ${app_role};
