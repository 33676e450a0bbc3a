package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.SdkMcpUpstream;
import io.gatehouse.testing.TestTenant;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP server registry is cached per instance and dropped through the shared change feed: a
 * server published on one instance is listed by {@code /mcp} on another within seconds, though the
 * other had cached the tenant's registry before, and the other calls it with the credential the
 * first one sealed (the upstream is the SDK-built {@link SdkMcpUpstream}).
 */
class McpAcrossInstancesIT {
    static LibertyInstance second;
    static SdkMcpUpstream upstream;

    @BeforeAll
    static void start() {
        upstream =
                SdkMcpUpstream.builder()
                        .tool(
                                "lookup",
                                McpGatewayIT.QUERY_ONLY,
                                c ->
                                        SdkMcpUpstream.text(
                                                "found: " + c.arguments().get("query"), false))
                        .tool("notify", c -> SdkMcpUpstream.text("sent", false))
                        .start();
        second = LibertyInstance.start("gatehouse-mcp-second", Map.of());
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    @Test
    void aServerPublishedOnOneInstanceIsListedOnTheOtherWithinSeconds() throws Exception {
        TestTenant t = TestTenant.fresh();
        // a key reaches tools only through mcp: entries in its scope
        String key = McpGatewayIT.key(t, "[\"mcp:*\"]");
        // the second instance caches the tenant's (empty) registry
        assertThat(McpGatewayIT.toolNames(second.baseUrl(), key)).isEmpty();

        McpGatewayIT.register(t, "crm", McpGatewayIT.server(upstream.url()));
        long start = System.nanoTime();
        List<String> seen = List.of();
        while (System.nanoTime() - start < Duration.ofSeconds(3).toNanos()) {
            seen = McpGatewayIT.toolNames(second.baseUrl(), key);
            if (!seen.isEmpty()) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(seen).containsExactly("crm__lookup", "crm__notify");
        // and the second instance calls it, with the credential sealed on the first
        try (McpSyncClient c = McpGatewayIT.client(second.baseUrl(), key)) {
            McpSchema.CallToolResult r =
                    c.callTool(new McpSchema.CallToolRequest("crm__lookup", Map.of("query", "x")));
            assertThat(r.isError()).isFalse();
            assertThat(McpGatewayIT.text(r)).isEqualTo("found: x");
        }
        assertThat(upstream.calls())
                .extracting(SdkMcpUpstream.Call::authorization)
                .containsExactly("Bearer " + McpGatewayIT.CREDENTIAL);
    }
}
