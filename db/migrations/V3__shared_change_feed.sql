-- Cache invalidation across instances: a change to something the hot path caches (API keys, catalog,
-- published prompts, policies) inserts a row here in the same transaction; every instance polls the
-- table every half second and drops what changed. Rows older than a day are deleted.
CREATE TABLE shared_change_feed (
    seq        bigserial   PRIMARY KEY,
    topic      text        NOT NULL,
    tenant_id  uuid,
    item_key   text,
    changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX shared_change_feed_changed_at ON shared_change_feed (changed_at);

GRANT SELECT, INSERT, DELETE ON shared_change_feed TO ${app_role};
GRANT USAGE ON SEQUENCE shared_change_feed_seq_seq TO ${app_role};
