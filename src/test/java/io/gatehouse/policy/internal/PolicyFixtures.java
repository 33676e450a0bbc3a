package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** Loads policy fixtures and builds exchanges by hand, as routing would. */
final class PolicyFixtures {
    static final TenantId TENANT =
            new TenantId(UUID.fromString("00000000-0000-0000-0000-00000000000a"));

    private PolicyFixtures() {}

    static List<Path> files() throws Exception {
        Path dir = Path.of(PolicyFixtures.class.getResource("/policy/fixtures").toURI());
        try (var s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
    }

    static JsonObject read(Path p) throws Exception {
        return Json.createReader(new StringReader(Files.readString(p))).readObject();
    }

    /** The fixture's policies, compiled, global ones first (the live source's order). */
    static List<CompiledPolicy> policies(JsonObject fixture) {
        List<CompiledPolicy> global = new ArrayList<>();
        List<CompiledPolicy> tenant = new ArrayList<>();
        for (JsonValue v : fixture.getJsonArray("policies")) {
            JsonObject p = v.asJsonObject();
            boolean isGlobal = p.getBoolean("global", false);
            String name = p.getString("name");
            CompiledPolicy c =
                    CompiledPolicy.compile(
                            name,
                            (isGlobal ? "global:" : "") + name + "@v1",
                            isGlobal,
                            p.getJsonObject("content"));
            (isGlobal ? global : tenant).add(c);
        }
        global.addAll(tenant);
        return global;
    }

    static GatewayExchange exchange(JsonObject request) {
        List<ChatMessage> msgs = new ArrayList<>();
        for (JsonValue v : request.getJsonArray("messages")) {
            JsonObject m = v.asJsonObject();
            msgs.add(new ChatMessage(m.getString("role"), m.getString("content"), false));
        }
        Map<String, String> headers = new TreeMap<>();
        JsonObject h = request.getJsonObject("headers");
        if (h != null) {
            h.forEach((k, val) -> headers.put(k, ((JsonString) val).getString()));
        }
        GatewayExchange ex =
                new GatewayExchange(
                        TENANT,
                        "key-1",
                        "req_test",
                        "chat",
                        request.getString("model", "sandbox"),
                        null,
                        msgs,
                        headers);
        ex.raiseClassification(request.getInt("classification", 0));
        return ex;
    }
}
