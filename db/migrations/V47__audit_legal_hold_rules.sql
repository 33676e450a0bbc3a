-- Legal holds and retention (docs/audit.md, "Content retention"). The API enforces the rules first
-- (only an auditor releases a hold; retention is not shortened while a hold is active: 409
-- legal_hold_active); these triggers hold them for every other writer of the tables, the runtime
-- role included.

-- A hold is placed, then released once (released_at and released_by together); nothing else about
-- it changes, and it is never deleted.
CREATE FUNCTION audit_legal_holds_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.released_at IS NULL
       AND NEW.released_at IS NOT NULL AND NEW.released_by IS NOT NULL
       AND NEW.id = OLD.id AND NEW.tenant_id = OLD.tenant_id AND NEW.reason = OLD.reason
       AND NEW.created_at = OLD.created_at AND NEW.created_by = OLD.created_by THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'legal holds are only ever placed or released once: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_legal_holds_guard
    BEFORE UPDATE OR DELETE ON audit_legal_holds
    FOR EACH ROW EXECUTE FUNCTION audit_legal_holds_guard();
CREATE TRIGGER audit_legal_holds_no_truncate
    BEFORE TRUNCATE ON audit_legal_holds
    FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();

-- While a tenant has an active hold its retention period may grow, never shrink: a shorter period
-- would purge what the hold preserves the moment the hold is released. A tenant without a setting
-- keeps bodies 30 days (RetentionService.DEFAULT), so a first setting counts from 30.
CREATE FUNCTION audit_retention_hold_guard() RETURNS trigger
    LANGUAGE plpgsql AS
$$
DECLARE
    previous integer;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        previous := OLD.retention_days;
    ELSE
        SELECT retention_days INTO previous FROM audit_retention WHERE tenant_id = NEW.tenant_id;
        IF FOUND THEN
            RETURN NEW; -- an upsert of an existing row: its UPDATE trigger decides
        END IF;
        previous := 30;
    END IF;
    IF NEW.retention_days < previous AND EXISTS (
        SELECT 1 FROM audit_legal_holds h WHERE h.tenant_id = NEW.tenant_id AND h.released_at IS NULL) THEN
        RAISE EXCEPTION 'retention of tenant % cannot be shortened from % to % days under an active legal hold',
            NEW.tenant_id, previous, NEW.retention_days
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_retention_hold_guard
    BEFORE INSERT OR UPDATE ON audit_retention
    FOR EACH ROW EXECUTE FUNCTION audit_retention_hold_guard();
