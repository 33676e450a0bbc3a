-- Policy versions: every published version of a policy, per tenant; tenant_id NULL is a global
-- (platform) policy that applies to every tenant. Exactly one version per (tenant, name) is live.
-- Content is the normalized policy JSON (rules in CEL); versions are never edited, only superseded.
CREATE TABLE policy_versions (
    id            uuid        PRIMARY KEY,
    tenant_id     uuid        REFERENCES edge_tenants (id),
    name          text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'),
    version       integer     NOT NULL CHECK (version >= 1),
    content       text        NOT NULL,
    mode          text        NOT NULL CHECK (mode IN ('enforce', 'shadow')),
    status        text        NOT NULL CHECK (status IN ('live', 'superseded')),
    change_id     uuid,
    published_by  text        NOT NULL,
    published_at  timestamptz NOT NULL,
    rollback      boolean     NOT NULL DEFAULT false
);

CREATE UNIQUE INDEX policy_versions_number
    ON policy_versions (COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), name, version);
CREATE UNIQUE INDEX policy_versions_one_live
    ON policy_versions (COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), name)
    WHERE status = 'live';
CREATE INDEX policy_versions_tenant ON policy_versions (tenant_id, status);

-- Versions are inserted and superseded (status), never deleted.
GRANT SELECT, INSERT, UPDATE ON policy_versions TO ${app_role};
