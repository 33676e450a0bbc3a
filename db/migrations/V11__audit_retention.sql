-- Content retention: prompt and response bodies live apart from the chain, referenced by the
-- event's content_hash (SHA-256 of the canonical JSON of the full bodies), so purging them leaves the
-- chain verifiable.

-- Per tenant: none | hashed | redacted | full, and how long stored bodies are kept.
-- No row: 'hashed' (the hash is in the event, no body is stored).
CREATE TABLE audit_retention (
    tenant_id      uuid        PRIMARY KEY REFERENCES edge_tenants (id),
    mode           text        NOT NULL CHECK (mode IN ('none', 'hashed', 'redacted', 'full')),
    retention_days integer     NOT NULL CHECK (retention_days BETWEEN 1 AND 36500),
    updated_at     timestamptz NOT NULL,
    updated_by     text        NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON audit_retention TO ${app_role};

-- Legal holds: while one is active (released_at IS NULL) no body of the tenant is purged.
CREATE TABLE audit_legal_holds (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES edge_tenants (id),
    reason      text        NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    created_at  timestamptz NOT NULL,
    created_by  text        NOT NULL,
    released_at timestamptz,
    released_by text
);
CREATE INDEX audit_legal_holds_active ON audit_legal_holds (tenant_id) WHERE released_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON audit_legal_holds TO ${app_role};

-- Stored bodies, keyed by chain and content hash. Deletable by the runtime role (the purge job):
-- the chain holds only the hash.
CREATE TABLE audit_contents (
    chain_id     text        NOT NULL,
    content_hash text        NOT NULL,
    form         text        NOT NULL CHECK (form IN ('full', 'redacted')),
    body         jsonb       NOT NULL,
    stored_at    timestamptz NOT NULL,
    PRIMARY KEY (chain_id, content_hash)
);
CREATE INDEX audit_contents_stored ON audit_contents (chain_id, stored_at);
GRANT SELECT, INSERT, DELETE ON audit_contents TO ${app_role};
GRANT UPDATE (stored_at) ON audit_contents TO ${app_role};
