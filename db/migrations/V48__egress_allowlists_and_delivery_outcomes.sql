-- Egress allow-lists (edge): per tenant, the private, loopback or link-local destinations Gatehouse
-- may call on its behalf (providers, webhooks, ...). Edited by platform admins only, every change
-- audited. entries is a JSON array of {"destination", "port"?, "note"?} in canonical form.
CREATE TABLE edge_egress_allowlists (
    tenant_id   uuid        PRIMARY KEY REFERENCES edge_tenants (id),
    entries     text        NOT NULL CHECK (length(entries) <= 65536),
    updated_by  text        NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint      NOT NULL DEFAULT 0
);

GRANT SELECT, INSERT, UPDATE ON edge_egress_allowlists TO ${app_role};

-- Webhook deliveries (governance) record an outcome class, not the receiver's status code or our
-- exception names: a tenant admin must not be able to use deliveries to map a network.
ALTER TABLE governance_webhook_deliveries ADD COLUMN last_outcome text
    CHECK (last_outcome IN ('delivered', 'http_error_3xx', 'http_error_4xx', 'http_error_5xx',
                            'timeout', 'refused', 'connection_failed'));

UPDATE governance_webhook_deliveries SET last_outcome = CASE
    WHEN status = 'delivered' THEN 'delivered'
    WHEN last_status_code BETWEEN 400 AND 499 THEN 'http_error_4xx'
    WHEN last_status_code >= 500 THEN 'http_error_5xx'
    WHEN last_status_code IS NOT NULL THEN 'http_error_3xx'
    WHEN last_error LIKE 'refused%' THEN 'refused'
    WHEN last_error ILIKE '%timeout%' THEN 'timeout'
    WHEN last_error IS NOT NULL THEN 'connection_failed'
END;

-- The old columns are emptied, not dropped: instances of the previous version still write them
-- during a rolling upgrade (this version neither reads nor writes them). A later migration drops them.
UPDATE governance_webhook_deliveries SET last_status_code = NULL, last_error = NULL
 WHERE last_status_code IS NOT NULL OR last_error IS NOT NULL;
