-- 1. Hashed form v2 (docs/audit.md, "Hashing rules"): every event row says which version its hash
--    uses. Rows written before this migration are v1 (the default). The CHECK is added NOT VALID so
--    that the migration does not scan the table under its lock: every existing row holds the default.
--    `display` holds display-only data (e.g. a user's display name) beside the hashed form, never in
--    it: it is not evidence. Both columns are append-only like the rest of the row (V2's triggers).
ALTER TABLE audit_events ADD COLUMN hash_version smallint NOT NULL DEFAULT 1;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_hash_version CHECK (hash_version IN (1, 2)) NOT VALID;
ALTER TABLE audit_events ADD COLUMN display jsonb;

-- 2. Checkpoint keys are created and rotated only through audit_add_signing_key, a SECURITY DEFINER
--    function owned by the owner role (whoever runs the migrations); the runtime role keeps SELECT
--    and loses INSERT and UPDATE. The function derives what it can check itself (the key id from the
--    public key, the time), retires the active key in the same statement, and records which key
--    introduced the new one with that key's signature (verified by the verifiers, which also decide
--    which keys are pinned: a row alone is never trusted).
ALTER TABLE audit_signing_keys ADD COLUMN introduced_by text REFERENCES audit_signing_keys (key_id);
ALTER TABLE audit_signing_keys ADD COLUMN introduction text; -- base64 Ed25519 signature by introduced_by
ALTER TABLE audit_signing_keys ADD CONSTRAINT audit_signing_keys_introduction
    CHECK ((introduced_by IS NULL) = (introduction IS NULL));

CREATE OR REPLACE FUNCTION audit_signing_keys_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL
       AND NEW.key_id = OLD.key_id AND NEW.algorithm = OLD.algorithm
       AND NEW.public_key = OLD.public_key AND NEW.private_key_sealed = OLD.private_key_sealed
       AND NEW.created_at = OLD.created_at
       AND NEW.introduced_by IS NOT DISTINCT FROM OLD.introduced_by
       AND NEW.introduction IS NOT DISTINCT FROM OLD.introduction THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit signing keys are only ever added or retired: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

REVOKE INSERT, UPDATE ON audit_signing_keys FROM ${app_role};
REVOKE UPDATE (retired_at) ON audit_signing_keys FROM ${app_role};

-- Adds a key and makes it the active one. p_replaces must name the key that is active now (NULL:
-- none is), so that two instances creating the first key, or rotating at once, cannot both succeed;
-- p_introduction is p_replaces' signature of the new key (NULL when it could not sign).
CREATE FUNCTION audit_add_signing_key(
    p_key_id text, p_algorithm text, p_public_key text, p_private_key_sealed text,
    p_replaces text, p_introduction text) RETURNS timestamptz
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = ${flyway:defaultSchema}, pg_temp AS
$$
DECLARE
    spki bytea;
    active text;
    ts timestamptz := now();
BEGIN
    PERFORM pg_advisory_xact_lock(7002, 0); -- the lock SigningKeyRows.lockKeys takes
    IF p_algorithm IS DISTINCT FROM 'Ed25519' THEN
        RAISE EXCEPTION 'unsupported key algorithm %', p_algorithm USING ERRCODE = 'invalid_parameter_value';
    END IF;
    BEGIN
        spki := decode(p_public_key, 'base64');
    EXCEPTION WHEN OTHERS THEN
        RAISE EXCEPTION 'the public key is not base64' USING ERRCODE = 'invalid_parameter_value';
    END;
    IF spki IS NULL OR length(spki) <> 44 OR substr(spki, 1, 12) <> '\x302a300506032b6570032100'::bytea
       OR p_public_key <> encode(spki, 'base64') THEN
        RAISE EXCEPTION 'the public key is not a base64 Ed25519 SubjectPublicKeyInfo'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_key_id IS DISTINCT FROM
       'ed25519:' || substr(encode(sha256(convert_to(p_public_key, 'UTF8')), 'hex'), 1, 16) THEN
        RAISE EXCEPTION 'the key id is not derived from the public key' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(p_private_key_sealed, '') = '' THEN
        RAISE EXCEPTION 'the sealed private key is missing' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF p_introduction IS NOT NULL AND p_replaces IS NULL THEN
        RAISE EXCEPTION 'an introduction needs the key it comes from' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT key_id INTO active FROM audit_signing_keys WHERE retired_at IS NULL;
    IF active IS DISTINCT FROM p_replaces THEN
        RAISE EXCEPTION 'the active signing key is %, not %', coalesce(active, 'none'), coalesce(p_replaces, 'none')
            USING ERRCODE = 'serialization_failure';
    END IF;
    IF active IS NOT NULL THEN
        -- greatest(): keys made before V45 took created_at from the application's clock
        UPDATE audit_signing_keys SET retired_at = greatest(ts, created_at) WHERE key_id = active;
    END IF;
    INSERT INTO audit_signing_keys
        (key_id, algorithm, public_key, private_key_sealed, created_at, retired_at, introduced_by, introduction)
        VALUES (p_key_id, p_algorithm, p_public_key, p_private_key_sealed, ts, NULL,
                CASE WHEN p_introduction IS NULL THEN NULL ELSE p_replaces END, p_introduction);
    RETURN ts;
END
$$;

REVOKE ALL ON FUNCTION audit_add_signing_key(text, text, text, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_add_signing_key(text, text, text, text, text, text) TO ${app_role};
