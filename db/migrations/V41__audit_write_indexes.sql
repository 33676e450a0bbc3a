-- Fewer index entries per gateway event (every answered /v1 request writes one), without losing a
-- reader: the audit_events indexes were reviewed against every query in audit.internal.persistence.
--
-- * tenant_time (tenant_id, occurred_at) duplicated chain_time: a tenant's events are exactly its
--   chain (CHECK chain_id = tenant_id::text), so the usage and recent-request reads filter by chain_id.
-- * action_time (action, occurred_at) was not scoped to a chain, and gateway events (almost all rows)
--   paid for it although a search for them needs no index (they fill the chain's newest pages). It
--   becomes a per-chain index of the other actions only; the search adds the partial predicate.
-- * policy_version (chain_id, policy_version, seq) had no reader: the lineage of a request reads the
--   column from the row, and the column can name several versions ("demo@v1,global:base@v2"), so an
--   equality index could not answer "requests under version X" anyway.
--
-- A gateway event now enters five indexes (primary key, event_id, request, key_time, chain_time;
-- prompt_version only when a prompt served it) instead of eight. CREATE INDEX blocks writes to the
-- table while it builds: run this migration, like the others, before the instances take traffic.
DROP INDEX audit_events_tenant_time;
DROP INDEX audit_events_action_time;
DROP INDEX audit_events_policy_version;
CREATE INDEX audit_events_chain_action ON audit_events (chain_id, action, seq)
    WHERE action <> 'gateway.request';
