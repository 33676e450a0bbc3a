-- People, their tokens, client API keys and the limits that apply to them.
CREATE TABLE edge_users (
    id                 uuid        PRIMARY KEY,
    tenant_id          uuid        NOT NULL REFERENCES edge_tenants (id),
    username           text        NOT NULL CHECK (username ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$'),
    password_hash      text        NOT NULL,
    roles              text        NOT NULL DEFAULT '',
    status             text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    failed_logins      integer     NOT NULL DEFAULT 0,
    locked_until       timestamptz,
    tokens_valid_after timestamptz NOT NULL DEFAULT now(),
    created_at         timestamptz NOT NULL DEFAULT now(),
    version            bigint      NOT NULL DEFAULT 0
);
-- Usernames are unique across tenants: login takes only a username and a password.
CREATE UNIQUE INDEX edge_users_username ON edge_users (lower(username));
CREATE INDEX edge_users_tenant ON edge_users (tenant_id);

-- Logged-out access tokens until they would have expired anyway.
CREATE TABLE edge_revoked_tokens (
    jti        text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);

-- Token signing keys of the built-in issuer; the private key is sealed under the master key.
CREATE TABLE edge_signing_keys (
    kid                text        PRIMARY KEY,
    algorithm          text        NOT NULL,
    public_jwk         text        NOT NULL,
    private_key_sealed text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    retired_at         timestamptz
);

CREATE TABLE edge_api_keys (
    id             uuid        PRIMARY KEY,
    tenant_id      uuid        NOT NULL REFERENCES edge_tenants (id),
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix         text        NOT NULL,
    secret_hash    text        NOT NULL UNIQUE,
    allowed_routes text        NOT NULL DEFAULT '',
    allowed_cidrs  text        NOT NULL DEFAULT '',
    rpm_limit      integer     CHECK (rpm_limit > 0),
    tpm_limit      integer     CHECK (tpm_limit > 0),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    rotated_from   uuid,
    created_by     text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    version        bigint      NOT NULL DEFAULT 0
);
CREATE INDEX edge_api_keys_tenant ON edge_api_keys (tenant_id);

CREATE TABLE edge_tenant_limits (
    tenant_id             uuid    PRIMARY KEY REFERENCES edge_tenants (id),
    rpm_limit             integer CHECK (rpm_limit > 0),
    tpm_limit             integer CHECK (tpm_limit > 0),
    daily_budget_micros   bigint  CHECK (daily_budget_micros >= 0),
    monthly_budget_micros bigint  CHECK (monthly_budget_micros >= 0),
    version               bigint  NOT NULL DEFAULT 0
);

-- Leases of a limit's window: instances take slices of the remaining quota and spend them locally;
-- granted never exceeds the limit, so the instances together never let through more than it.
CREATE TABLE edge_limit_windows (
    subject      text        NOT NULL,
    window_start timestamptz NOT NULL,
    granted      bigint      NOT NULL,
    last_grant   bigint      NOT NULL,
    PRIMARY KEY (subject, window_start)
);

GRANT SELECT, INSERT, UPDATE ON edge_users, edge_api_keys, edge_tenant_limits TO ${app_role};
GRANT SELECT, INSERT, DELETE ON edge_revoked_tokens TO ${app_role};
GRANT SELECT, INSERT, UPDATE ON edge_signing_keys TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON edge_limit_windows TO ${app_role};
