package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResponseCacheTest {
    private final AtomicLong now = new AtomicLong(1000);
    private final ResponseCache cache = new ResponseCache(100, now::get);
    private final JsonObject body = Json.createObjectBuilder().add("messages", "x").build();
    private final JsonObject answer = Json.createObjectBuilder().add("id", "a").build();

    @Test
    void servesARepeatWithinItsTtlOnly() {
        String key = ResponseCache.key(TestCatalog.TENANT, "r", body);
        cache.put(key, answer, "p", "m", "eu", 10);
        assertThat(cache.get(key)).get().extracting(ResponseCache.Entry::answer).isEqualTo(answer);
        now.addAndGet(9_999);
        assertThat(cache.get(key)).isPresent();
        now.addAndGet(1);
        assertThat(cache.get(key)).isEmpty();
    }

    @Test
    void neverAcrossTenantsOrRoutes() {
        TenantId other = new TenantId(UUID.randomUUID());
        cache.put(ResponseCache.key(TestCatalog.TENANT, "r", body), answer, "p", "m", "eu", 60);
        assertThat(cache.get(ResponseCache.key(other, "r", body))).isEmpty();
        assertThat(cache.get(ResponseCache.key(TestCatalog.TENANT, "r2", body))).isEmpty();
        JsonObject different = Json.createObjectBuilder().add("messages", "y").build();
        assertThat(cache.get(ResponseCache.key(TestCatalog.TENANT, "r", different))).isEmpty();
    }
}
