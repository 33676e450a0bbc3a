-- Issue 23: approval rules that require evidence, the override of a failed run, and evidence that a
-- change's kind computes by itself (a policy change's traffic replay).
--
-- require_evidence: NULL inherits (the kind's row falls back to the tenant's '*' row, that one to
-- false), so a row set only for its number of approvals does not silently switch evidence off.
ALTER TABLE governance_approval_policies ADD COLUMN require_evidence boolean;

-- The override of a failed evaluation run recorded at publication (JSON: reason, by, byName, at,
-- runIds, revision, approvals, requiredApprovals); written once, by the publish that used it.
ALTER TABLE governance_changes ADD COLUMN evidence_override text
    CHECK (evidence_override IS NULL OR length(evidence_override) <= 20000);

-- Evidence a change's kind computes for a revision on submit, revise and rebase (type 'replay':
-- the policy test bench's replay of recent traffic; 'automatic' when the kind's hook itself threw),
-- shown beside the evaluation runs. Written once
-- per computation (a later submit of the same revision adds a row); status 'error' records a
-- computation that failed (the transition itself never waits for it or fails with it).
CREATE TABLE governance_change_evidence (
    id          uuid        PRIMARY KEY,
    tenant_id   uuid        NOT NULL,
    change_id   uuid        NOT NULL REFERENCES governance_changes (id),
    revision    integer     NOT NULL CHECK (revision >= 1),
    type        text        NOT NULL CHECK (type ~ '^[a-z_]{1,32}$'),
    trigger     text        NOT NULL CHECK (trigger IN ('submit', 'revise', 'rebase')),
    status      text        NOT NULL CHECK (status IN ('ok', 'error')),
    summary     text,
    error       text        CHECK (error IS NULL OR length(error) <= 2000),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX governance_change_evidence_change ON governance_change_evidence (change_id, created_at);

REVOKE ALL ON governance_change_evidence FROM PUBLIC;
GRANT SELECT, INSERT ON governance_change_evidence TO ${app_role};
