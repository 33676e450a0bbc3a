-- Issue 18: upstream MCP servers, published through governance (change kind mcp_server). One row per
-- tenant and server name; `version` is the publishing change's id; `credential` is sealed text
-- (SecretBox, bound to tenant and server name), never plain; `tools` is the reviewed allow-list
-- (name, description, risk, approval, inputSchema per tool).
CREATE TABLE routing_mcp_servers (
    tenant_id  uuid        NOT NULL,
    name       text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,39}$'),
    version    text        NOT NULL,
    url        text        NOT NULL,
    transport  text        NOT NULL CHECK (transport IN ('streamable-http', 'sandbox')),
    credential text,
    tools      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);

REVOKE ALL ON routing_mcp_servers FROM PUBLIC;
GRANT SELECT, INSERT, UPDATE ON routing_mcp_servers TO ${app_role};
