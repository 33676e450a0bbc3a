-- Indexes for the auditor's queries: periods per chain (export, search), and the lineage graph
-- (requests per prompt/policy version, governance events per change id and reviewer). Partial
-- indexes keep the per-request write cost low: a gateway event enters only the version indexes.
CREATE INDEX audit_events_chain_time ON audit_events (chain_id, occurred_at);
CREATE INDEX audit_events_prompt_version ON audit_events (chain_id, prompt_version, seq)
    WHERE prompt_version IS NOT NULL;
CREATE INDEX audit_events_policy_version ON audit_events (chain_id, policy_version, seq)
    WHERE policy_version IS NOT NULL;
CREATE INDEX audit_events_change ON audit_events (chain_id, (details ->> 'changeId'), seq)
    WHERE details ? 'changeId';
CREATE INDEX audit_events_chain_actor ON audit_events (chain_id, actor, seq)
    WHERE action LIKE 'change.%';
CREATE INDEX audit_events_change_prompt_version ON audit_events (chain_id, (details ->> 'promptVersion'))
    WHERE details ? 'promptVersion';
CREATE INDEX audit_events_change_policy_version ON audit_events (chain_id, (details ->> 'policyVersion'))
    WHERE details ? 'policyVersion';
