package io.gatehouse.routing.internal.catalog;

import io.gatehouse.routing.internal.persistence.CatalogRows;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which fields of a provider or route change make it HIGH risk. The list is of the harmless fields,
 * not the dangerous ones: a change is LOW only when everything it changes is operational tuning
 * (timeouts, concurrency, prices, context windows, breaker settings, route strategy and weights),
 * so a field added later is HIGH until someone decides otherwise. Everything that moves where data
 * may go or what a policy can match on (provider region, clearance, models and capabilities; a
 * route's operation and destinations) or how long answers are kept (a route's answer cache) is
 * HIGH.
 */
final class CatalogRisk {
    /** Provider options that only tune how calls are made (and the sandbox's test switches). */
    static final Set<String> TUNING_OPTIONS =
            Set.of(
                    "breakerFailures",
                    "breakerOpenMs",
                    "apiVersion",
                    "anthropicVersion",
                    "defaultMaxTokens",
                    "chunkDelayMs",
                    "failAfterChunks",
                    "dimensions",
                    "delayMs",
                    "failStatus",
                    "retryAfterMs",
                    "malformed");

    private CatalogRisk() {}

    /**
     * The fields of a provider change that are HIGH risk (empty: LOW). {@code live} is the live
     * provider as change content ({@link CatalogContent#providerContent}); the credential is
     * compared by the caller, which can open it.
     */
    static Set<String> providerChange(JsonObject live, CatalogRows.ProviderRow proposed) {
        Set<String> out = new TreeSet<>();
        if (!Objects.equals(live.getString("kind", null), proposed.kind())) {
            out.add("kind");
        }
        String liveUrl =
                live.containsKey("baseUrl") && !live.isNull("baseUrl")
                        ? live.getString("baseUrl")
                        : null;
        if (!Objects.equals(liveUrl, proposed.baseUrl())) {
            out.add("baseUrl");
        }
        if (!Objects.equals(live.getString("region", null), proposed.region())) {
            out.add("region");
        }
        if (live.getInt("clearance", -1) != proposed.clearance()) {
            out.add("clearance");
        }
        if (!live.getBoolean("enabled", true) && proposed.enabled()) {
            out.add("enabled");
        }
        JsonObject liveOptions =
                live.get("options") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        Set<String> keys = new HashSet<>(liveOptions.keySet());
        keys.addAll(proposed.options().keySet());
        for (String k : keys) {
            if (!TUNING_OPTIONS.contains(k)
                    && !Objects.equals(liveOptions.get(k), proposed.options().get(k))) {
                out.add("options." + k);
            }
        }
        Map<String, Set<String>> liveModels = new HashMap<>();
        if (live.get("models") instanceof JsonArray models) {
            for (JsonValue v : models) {
                JsonObject m = v.asJsonObject();
                Set<String> caps = new HashSet<>();
                if (m.get("capabilities") instanceof JsonArray ca) {
                    ca.forEach(c -> caps.add(((jakarta.json.JsonString) c).getString()));
                }
                liveModels.put(m.getString("name"), caps);
            }
        }
        Set<String> proposedNames = new HashSet<>();
        for (Model m : proposed.models()) {
            proposedNames.add(m.name());
            Set<String> caps = liveModels.get(m.name());
            if (caps != null && !caps.equals(m.capabilities())) {
                out.add("models." + m.name() + ".capabilities");
            }
        }
        if (!proposedNames.equals(liveModels.keySet())) {
            out.add("models");
        }
        return out;
    }

    /**
     * The fields of a route change that are HIGH risk (empty: LOW). {@code live} is the live route
     * as change content ({@link CatalogContent#routeContent}).
     */
    static Set<String> routeChange(JsonObject live, CatalogRows.RouteRow proposed) {
        Set<String> out = new TreeSet<>();
        if (!Objects.equals(live.getString("operation", null), proposed.operation())) {
            out.add("operation");
        }
        if (live.getInt("cacheTtlSeconds", 0) != proposed.cacheTtlSeconds()) {
            out.add("cacheTtlSeconds");
        }
        if (!live.getBoolean("enabled", true) && proposed.enabled()) {
            out.add("enabled");
        }
        Set<String> before = new LinkedHashSet<>();
        if (live.get("targets") instanceof JsonArray targets) {
            for (JsonValue v : targets) {
                JsonObject t = v.asJsonObject();
                before.add(t.getString("provider") + "\u0000" + t.getString("model"));
            }
        }
        for (Route.RouteTarget t : proposed.targets()) {
            if (!before.contains(t.provider() + "\u0000" + t.model())) {
                out.add("targets");
            }
        }
        return out;
    }
}
