-- Issue 21: single sign-on through the configured OpenID Connect provider and sessions that survive
-- a review (docs/security.md, "Console sessions").
--
-- edge_oidc_flows: one row per started authorization-code flow, keyed by the SHA-256 of its state.
-- It holds the nonce and the PKCE code_verifier the callback needs, and the SHA-256 of the browser
-- binding cookie (so a callback URL sent to someone else's browser is refused). Single-use: the
-- callback deletes the row; rows expire after a few minutes.
CREATE TABLE edge_oidc_flows (
    state_hash    text        PRIMARY KEY,
    binding_hash  text        NOT NULL,
    nonce         text        NOT NULL,
    code_verifier text        NOT NULL,
    return_to     text        NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL
);
CREATE INDEX edge_oidc_flows_expiry ON edge_oidc_flows (expires_at);

-- edge_session_families: one signed-in console session (built-in password or OIDC), the root of a
-- chain of rotating refresh tokens. `subject` is the user's id (built-in) or 'oidc:<sub>'; `roles`
-- are those mapped at sign-in (OIDC; a built-in session re-reads the user's roles on every refresh).
-- `id_token` is no longer written (sign-out names the client, not the ID token: the provider's ID
-- token never reaches a browser or a URL); the column stays unused. A revoked family
-- (sign-out, reuse of a rotated token, password change) renews nothing again.
CREATE TABLE edge_session_families (
    id             uuid        PRIMARY KEY,
    tenant_id      uuid        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('password', 'oidc')),
    subject        text        NOT NULL,
    username       text        NOT NULL,
    roles          text[]      NOT NULL,
    id_token       text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    absolute_expiry timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text
);
CREATE INDEX edge_session_families_subject ON edge_session_families (subject);

-- edge_refresh_tokens: the SHA-256 of each opaque refresh token of a family. A token is used once
-- (used_at set by a conditional update); presenting a used one again is reuse, and revokes the family.
-- access_jti / access_expires_at: the access token issued with it; ending the family (reuse,
-- sign-out, user changed) puts every unexpired one on the revocation list in the same transaction.
CREATE TABLE edge_refresh_tokens (
    token_hash        text        PRIMARY KEY,
    family_id         uuid        NOT NULL REFERENCES edge_session_families (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    used_at           timestamptz,
    access_jti        text,
    access_expires_at timestamptz
);
CREATE INDEX edge_refresh_tokens_family ON edge_refresh_tokens (family_id);

-- edge_login_codes: the one-time code the OIDC callback hands the console (in the URL's fragment);
-- redeemed once, by POST, within a minute, for the session's first access token and refresh cookie,
-- and only with the browser binding cookie of the flow it came from (binding_hash, its SHA-256): a
-- code sent to another browser is refused (login CSRF).
CREATE TABLE edge_login_codes (
    code_hash    text        PRIMARY KEY,
    family_id    uuid        NOT NULL REFERENCES edge_session_families (id) ON DELETE CASCADE,
    binding_hash text        NOT NULL,
    expires_at  timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE, DELETE ON edge_oidc_flows TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON edge_session_families TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON edge_refresh_tokens TO ${app_role};
GRANT SELECT, INSERT, UPDATE, DELETE ON edge_login_codes TO ${app_role};
