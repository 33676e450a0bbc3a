-- Issue 21, single sign-on round 3 (docs/security.md, "Console sessions").
--
-- edge_session_families.groups / tenant_claim: what the provider said at sign-in (its raw groups and
-- the tenant claim, NULL when absent). Every renewal maps them again through the CURRENT role map and
-- tenant rules of the instance that renews: a person whose groups no longer map to any role, or to no
-- tenant (or to another), gets the renewal refused and the family revoked. A family of V64 without
-- them (groups NULL) cannot be re-mapped and renews nothing: its person signs in again.
ALTER TABLE edge_session_families ADD COLUMN groups text[];
ALTER TABLE edge_session_families ADD COLUMN tenant_claim text;
CREATE INDEX edge_session_families_tenant_subject ON edge_session_families (tenant_id, subject);

-- edge_refresh_tokens.successor_hash / successor_sealed: the token that replaced this one, and the
-- answer that rotation gave, encrypted (AES-GCM) under a key derived from THIS token (which only its
-- holder has; the table keeps only hashes). Within the grace window
-- (gatehouse.auth.refresh.grace.seconds) a token just rotated answers again with that same answer,
-- while its successor is unused: a lost answer is not taken for reuse. After the window, or once the
-- successor was used, presenting it again is reuse and revokes the family. The sealed answer is
-- cleared when the family is revoked.
ALTER TABLE edge_refresh_tokens ADD COLUMN successor_hash text;
ALTER TABLE edge_refresh_tokens ADD COLUMN successor_sealed text;

-- edge_oidc_flows.client_key: the client address that started the flow (its lock-out key). Unexpired
-- flows per address are limited (gatehouse.auth.oidc.start.max.per.client), so /auth/oidc/start
-- cannot fill the table; expired rows are purged as new ones are written.
ALTER TABLE edge_oidc_flows ADD COLUMN client_key text;
CREATE INDEX edge_oidc_flows_client ON edge_oidc_flows (client_key, expires_at);
