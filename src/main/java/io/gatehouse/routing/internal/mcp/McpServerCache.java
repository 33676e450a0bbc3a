package io.gatehouse.routing.internal.mcp;

import io.gatehouse.routing.internal.persistence.McpServerRows;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Each tenant's published MCP servers in memory, by name. A publish writes the row and the shared
 * change feed (topic {@value #TOPIC}) in one transaction; every instance drops the tenant's entry
 * when the feed tells it, this one at once after commit.
 */
@ApplicationScoped
public class McpServerCache {
    public static final String TOPIC = "mcp-server";

    @Inject McpServerRows rows;

    private final Map<TenantId, Map<String, McpServer>> servers = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    public Map<String, McpServer> servers(TenantId tenant) {
        Map<String, McpServer> s = servers.get(tenant);
        if (s == null) {
            long before = generation.get();
            s = load(tenant);
            // a load that overlapped an invalidation may be stale: serve it, do not keep it
            if (generation.get() == before) {
                servers.put(tenant, s);
                // an invalidation between the check and the put: take the stale entry back
                if (generation.get() != before) {
                    servers.remove(tenant, s);
                }
            }
        }
        return s;
    }

    private Map<String, McpServer> load(TenantId tenant) {
        Map<String, McpServer> m = new LinkedHashMap<>();
        for (McpServerRows.Row r : rows.load(tenant)) {
            m.put(r.name(), McpServerContent.fromRow(r));
        }
        return Collections.unmodifiableMap(m);
    }

    void onChange(@Observes ChangeFeed.Invalidated change) {
        if (TOPIC.equals(change.topic())) {
            if (change.tenant() == null) {
                generation.incrementAndGet();
                servers.clear();
            } else {
                invalidate(change.tenant());
            }
        }
    }

    public void invalidate(TenantId tenant) {
        generation.incrementAndGet();
        servers.remove(tenant);
    }
}
