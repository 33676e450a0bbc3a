-- Signed checkpoints of the audit chains, and the keys that sign them.
--
-- audit_signing_keys: one Ed25519 key signs at a time (retired_at IS NULL); the private half is
-- sealed under the master key (SecretBox, AES-256-GCM), so every instance shares it and the database
-- alone cannot sign. Retired keys stay: their public halves verify old checkpoints. The runtime role
-- may insert keys and retire one (set retired_at once); nobody may delete a key or change it otherwise.
CREATE TABLE audit_signing_keys (
    key_id             text        PRIMARY KEY,
    algorithm          text        NOT NULL CHECK (algorithm IN ('Ed25519')),
    public_key         text        NOT NULL,  -- base64 X.509 SubjectPublicKeyInfo
    private_key_sealed text        NOT NULL,  -- PKCS#8, sealed by SecretBox
    created_at         timestamptz NOT NULL,
    retired_at         timestamptz,
    CHECK (retired_at IS NULL OR retired_at >= created_at)
);

CREATE UNIQUE INDEX audit_signing_keys_one_active ON audit_signing_keys ((true)) WHERE retired_at IS NULL;

CREATE FUNCTION audit_signing_keys_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL
       AND NEW.key_id = OLD.key_id AND NEW.algorithm = OLD.algorithm
       AND NEW.public_key = OLD.public_key AND NEW.private_key_sealed = OLD.private_key_sealed
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit signing keys are only ever added or retired: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_signing_keys_guard
    BEFORE UPDATE OR DELETE ON audit_signing_keys
    FOR EACH ROW EXECUTE FUNCTION audit_signing_keys_guard();
CREATE TRIGGER audit_signing_keys_no_truncate
    BEFORE TRUNCATE ON audit_signing_keys
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

REVOKE ALL ON audit_signing_keys FROM PUBLIC;
GRANT SELECT, INSERT ON audit_signing_keys TO ${app_role};
GRANT UPDATE (retired_at) ON audit_signing_keys TO ${app_role};

-- audit_checkpoints: append-only like audit_events. A checkpoint says: chain C had event_count
-- events when signed, the last (head_seq) hashing to head_hash. Signed bytes: the canonical JSON of
-- {v, chain, headSeq, headHash, count, time, keyId} (see docs/audit.md).
CREATE TABLE audit_checkpoints (
    chain_id    text        NOT NULL,
    head_seq    bigint      NOT NULL CHECK (head_seq >= 0),
    head_hash   text        NOT NULL,
    event_count bigint      NOT NULL CHECK (event_count >= 0),
    signed_at   timestamptz NOT NULL,
    key_id      text        NOT NULL REFERENCES audit_signing_keys (key_id),
    signature   text        NOT NULL,
    PRIMARY KEY (chain_id, head_seq)
);

CREATE TRIGGER audit_checkpoints_append_only
    BEFORE UPDATE OR DELETE ON audit_checkpoints
    FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER audit_checkpoints_no_truncate
    BEFORE TRUNCATE ON audit_checkpoints
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

REVOKE ALL ON audit_checkpoints FROM PUBLIC;
GRANT SELECT, INSERT ON audit_checkpoints TO ${app_role};
