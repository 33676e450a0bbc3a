-- Token signing keys come to an end: a retired key verifies tokens only for a grace window after its
-- retirement (the longest token lifetime, configured on the instances), a revoked key not at all.
-- A key that no longer signs keeps no private half: only the active key has one.
ALTER TABLE edge_signing_keys ADD COLUMN revoked_at timestamptz;
ALTER TABLE edge_signing_keys ALTER COLUMN private_key_sealed DROP NOT NULL;
UPDATE edge_signing_keys SET private_key_sealed = NULL WHERE retired_at IS NOT NULL;
ALTER TABLE edge_signing_keys ADD CONSTRAINT edge_signing_keys_private_only_while_active
    CHECK ((private_key_sealed IS NOT NULL) = (retired_at IS NULL AND revoked_at IS NULL));
ALTER TABLE edge_signing_keys ADD CONSTRAINT edge_signing_keys_revoked_is_retired
    CHECK (revoked_at IS NULL OR retired_at IS NOT NULL);
-- at most one active key
CREATE UNIQUE INDEX edge_signing_keys_one_active ON edge_signing_keys ((true)) WHERE retired_at IS NULL;
