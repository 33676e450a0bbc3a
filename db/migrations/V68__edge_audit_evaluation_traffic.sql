-- Issue 23: the share of a tenant's limits and budgets its evaluation runs may use (their calls
-- count against the tenant's limits and budgets and are also held to this share of each: requests
-- and tokens per minute, each cost budget), so evaluations never starve production traffic. Null:
-- the platform default (gatehouse.limits.evaluation-share-percent, a tenth).
ALTER TABLE edge_tenant_limits
    ADD COLUMN evaluation_share_percent integer
        CHECK (evaluation_share_percent BETWEEN 1 AND 100);

-- The lineage of a change lists its evaluation runs, from the gateway requests that ran a case
-- against it (details.evaluationOf, the change's id): a partial index, so only evaluation traffic
-- pays for it on write.
CREATE INDEX audit_events_evaluation_of ON audit_events (chain_id, (details ->> 'evaluationOf'), seq)
    WHERE details ? 'evaluationOf';
