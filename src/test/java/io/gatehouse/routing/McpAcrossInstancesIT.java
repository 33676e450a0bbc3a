package io.gatehouse.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.LibertyInstance;
import io.gatehouse.testing.TestTenant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MCP server registry is cached per instance and dropped through the shared change feed: a
 * server published on one instance is listed by {@code /mcp} on another within seconds, though the
 * other had cached the tenant's registry before.
 */
class McpAcrossInstancesIT {
    static LibertyInstance second;

    @BeforeAll
    static void start() {
        second = LibertyInstance.start("gatehouse-mcp-second", Map.of());
        second.awaitReady(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
    }

    @Test
    void aServerPublishedOnOneInstanceIsListedOnTheOtherWithinSeconds() throws Exception {
        TestTenant t = TestTenant.fresh();
        // a key reaches tools only through mcp: entries in its scope
        String key = McpGatewayIT.key(t, "[\"mcp:*\"]");
        // the second instance caches the tenant's (empty) registry
        assertThat(McpGatewayIT.toolNames(second.baseUrl(), key)).isEmpty();

        McpGatewayIT.register(t, "crm", McpGatewayIT.server("http://localhost:9/mcp"));
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
    }
}
