-- Tenants: every stored object belongs to one. The runtime role (${app_role}) reads and writes them;
-- only the owner role (Flyway) changes the schema.
CREATE TABLE edge_tenants (
    id           uuid        PRIMARY KEY,
    slug         text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    display_name text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
    status       text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    version      bigint      NOT NULL DEFAULT 0
);

GRANT SELECT, INSERT, UPDATE ON edge_tenants TO ${app_role};
