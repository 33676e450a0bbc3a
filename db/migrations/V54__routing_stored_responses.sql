-- Issue 17: stored responses of POST /v1/responses (store: true), read by GET /v1/responses/{id}
-- and by a later request's previous_response_id. Only a tenant whose content retention is "full"
-- stores any; a row lives until its tenant's retention period (taken when it was stored) ends:
-- expired rows are never served and the audit purge deletes them (unless a legal hold is active).
-- `conversation` is the exchange in chat form (the messages sent and the answer), `response` the
-- response object as the client got it.
CREATE TABLE routing_stored_responses (
    id           text        PRIMARY KEY CHECK (id ~ '^resp_[0-9a-f]{32}$'),
    tenant_id    uuid        NOT NULL,
    api_key_id   uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    conversation jsonb       NOT NULL,
    response     jsonb       NOT NULL
);
CREATE INDEX routing_stored_responses_expiry ON routing_stored_responses (expires_at);

REVOKE ALL ON routing_stored_responses FROM PUBLIC;
GRANT SELECT, INSERT, DELETE ON routing_stored_responses TO ${app_role};
