-- Issue 23 review (finding 7): a drift canary's answers follow the tenant's content retention.
--
-- While a run runs, its answers' text is kept (a resumed run and the run's measures read it). When
-- the run has finished (its measures taken and, for a first run, its answers made the baseline),
-- a tenant that keeps no readable content (setting none, hashed or redacted) keeps no text of them:
-- under hashed and redacted the answer's SHA-256 and length stay, under none the length alone.
-- Audit's retention purge deletes a tenant's results older than its retention period (the baseline
-- answers, governance_canary_baselines, stay: they are what the next runs are compared with).
ALTER TABLE governance_canary_results ADD COLUMN answer_sha256 text;
ALTER TABLE governance_canary_results ADD COLUMN answer_length integer;
CREATE INDEX governance_canary_results_recorded
    ON governance_canary_results (tenant_id, recorded_at);
GRANT UPDATE (answer, answer_sha256), DELETE ON governance_canary_results TO ${app_role};
