package io.gatehouse.routing.internal.catalog;

import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Catalog objects for unit tests. */
public final class TestCatalog {
    public static final TenantId TENANT =
            new TenantId(UUID.fromString("00000000-0000-0000-0000-000000000001"));

    private TestCatalog() {}

    public static Provider provider(String name, String kind, String baseUrl, JsonObject options) {
        return new Provider(
                UUID.nameUUIDFromBytes(name.getBytes()),
                TENANT,
                name,
                kind,
                baseUrl,
                null,
                "eu",
                3,
                2000,
                8,
                options,
                true,
                "v1",
                List.of(
                        new Model(
                                "m-" + name,
                                8192,
                                Set.of("chat", "streaming", "tools", "embeddings"),
                                1_000_000,
                                2_000_000)));
    }

    public static Provider provider(String name) {
        return provider(name, "sandbox", null, Json.createObjectBuilder().build());
    }

    public static Candidate candidate(Provider p, int weight, int position) {
        return new Candidate(p, p.models().get(0), weight, position);
    }

    public static Candidate candidate(
            String name, long inPrice, long outPrice, int weight, int position) {
        Provider p = provider(name);
        return new Candidate(
                p, new Model("m", 8192, Set.of("chat"), inPrice, outPrice), weight, position);
    }
}
