-- Issue 18, human oversight: a call to an MCP tool registered with `approval: required` is held here
-- until a reviewer (never the key's creator) approves or refuses it, or its deadline passes. The
-- instance that holds the client's stream (`holding_instance`) runs it once the decision reaches it
-- through the change feed (topic mcp-held-call). `arguments` are the arguments as input policy left
-- them (what the upstream would receive, what the reviewer sees); `key_owner` is the subject of the
-- person who created the calling key. A decision is a conditional update (status = 'held'), so two
-- reviewers cannot both win and nothing is decided past the deadline.
CREATE TABLE routing_mcp_held_calls (
    id               uuid        PRIMARY KEY,
    tenant_id        uuid        NOT NULL,
    key_id           uuid        NOT NULL,
    key_name         text        NOT NULL,
    key_owner        text        NOT NULL,
    key_scope        jsonb       NOT NULL,
    server           text        NOT NULL,
    server_version   text        NOT NULL,
    tool             text        NOT NULL,
    arguments        jsonb       NOT NULL,
    request_id       text,
    progress_token   text,
    status           text        NOT NULL
        CHECK (status IN ('held', 'approved', 'refused', 'expired', 'completed')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    deadline         timestamptz NOT NULL,
    decided_by       text,
    decided_at       timestamptz,
    comment          text        CHECK (comment IS NULL OR length(comment) <= 2000),
    holding_instance text        NOT NULL
);
CREATE INDEX routing_mcp_held_calls_tenant_status ON routing_mcp_held_calls (tenant_id, status);
CREATE INDEX routing_mcp_held_calls_due ON routing_mcp_held_calls (deadline) WHERE status = 'held';
CREATE INDEX routing_mcp_held_calls_key ON routing_mcp_held_calls (key_id) WHERE status = 'held';

REVOKE ALL ON routing_mcp_held_calls FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON routing_mcp_held_calls TO ${app_role};
