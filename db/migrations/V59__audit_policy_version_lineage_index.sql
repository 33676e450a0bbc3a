-- Lineage from a policy version (GET /api/v1/lineage/policy-versions/{version}/requests) matches one
-- whole element of the comma list a gateway event keeps in policy_version ("demo@v1,pii@v3"). V41
-- dropped the equality index that could not answer it, so the chain was read newest first until a
-- page was full: the whole chain for a version few requests ran under, or none. A GIN index over
-- the list's elements answers the containment (string_to_array(...) @> ARRAY[version]) that
-- LineageRows.requestsByVersion asks. Only events that name a policy version enter it.
CREATE INDEX audit_events_policy_versions ON audit_events
    USING gin ((string_to_array(policy_version, ','))) WHERE policy_version IS NOT NULL;
