package io.gatehouse.routing.internal.mcp;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.routing.internal.persistence.McpServerRows;
import io.gatehouse.shared.DemoTenantReady;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.transaction.Transactional;
import java.util.logging.Logger;

/**
 * Demo mode: the built-in in-process sandbox MCP server {@code sandbox} for tenant {@code demo},
 * with the harmless {@code echo} and {@code approve_payment} ({@code approval: required}). Seed
 * data skips review and is recorded in the audit trail as {@code seed}.
 */
@ApplicationScoped
public class DemoMcpSeed {
    static final String SERVER = "sandbox";
    private static final Logger LOG = Logger.getLogger(DemoMcpSeed.class.getName());

    @Inject McpServerRows rows;
    @Inject McpServerChangeKind kind;
    @Inject AuditRecorder audit;

    @Transactional
    void onDemoTenant(@Observes DemoTenantReady ready) {
        TenantId t = ready.tenant();
        if (rows.version(t, SERVER).isPresent()) {
            return;
        }
        McpServer s =
                McpServerContent.parse(
                        SERVER,
                        Json.createObjectBuilder()
                                .add("transport", McpServer.SANDBOX)
                                .add("url", McpServerContent.SANDBOX_URL)
                                .add("tools", McpSandbox.tools())
                                .build(),
                        null);
        kind.write(t, s, "seed");
        audit.recordInTransaction(
                AuditEvent.of(t, "system", "seed", "mcp_server.publish")
                        .target("mcp_server", SERVER)
                        .detail("seed", true)
                        .detail("transport", McpServer.SANDBOX)
                        .build());
        LOG.info("Demo mode: seeded MCP server '" + SERVER + "'");
    }
}
