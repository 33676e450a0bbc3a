-- Issue 21: a tenant's switch for test calls through drafts (a person's call with a draft applied),
-- and its own per-person rate of them (null: the platform's gatehouse.limits.person.test-calls-per-minute).
ALTER TABLE edge_tenant_limits
    ADD COLUMN test_calls_enabled boolean NOT NULL DEFAULT true,
    ADD COLUMN test_calls_per_person_per_minute integer
        CHECK (test_calls_per_person_per_minute > 0 AND test_calls_per_person_per_minute <= 1000);
