-- Lineage from a policy version reads one tenant's chain, but V59's GIN index held the version
-- lists of every chain: a version many tenants share (global:base@v1) was looked up across all of
-- them, and the chain filtered out afterwards, row by row. The index now leads with chain_id, so a
-- lookup reads only the entries of the caller's chain for that version.
--
-- A GIN index over a text column needs btree_gin (PostgreSQL contrib, a trusted extension since 13:
-- the database owner, who runs the migrations, may create it; Debian's postgresql-15 and the
-- CloudNativePG images ship it). Only events that name a policy version enter the index, as before.
CREATE EXTENSION IF NOT EXISTS btree_gin;
DROP INDEX audit_events_policy_versions;
CREATE INDEX audit_events_policy_lineage ON audit_events
    USING gin (chain_id, (string_to_array(policy_version, ','))) WHERE policy_version IS NOT NULL;
