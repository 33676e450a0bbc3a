package io.gatehouse.routing.internal.catalog;

import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.routing.internal.provider.ProviderException;
import io.gatehouse.routing.internal.provider.SsrfGuard;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON content of provider and route changes (what authors submit through governance and what
 * the demo seed writes), validated and converted to catalog rows. Field names are camelCase.
 */
public final class CatalogContent {
    public static final Set<String> KINDS =
            Set.of("openai", "azure-openai", "anthropic", "sandbox");
    private static final Pattern PROVIDER_NAME = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");
    private static final Pattern ALIAS = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$");

    private CatalogContent() {}

    public static void checkProviderName(String name) {
        if (name == null || !PROVIDER_NAME.matcher(name).matches()) {
            throw new ValidationException(
                    "target", "provider name must match " + PROVIDER_NAME.pattern());
        }
    }

    public static void checkAlias(String alias) {
        if (alias == null
                || !ALIAS.matcher(alias).matches()
                || alias.startsWith("prompt:")
                || alias.startsWith("mcp:")) { // key scopes name MCP servers as mcp:<server>
            throw new ValidationException(
                    "target",
                    "route alias must match "
                            + ALIAS.pattern()
                            + " and not start with prompt: or mcp:");
        }
    }

    /**
     * Validates provider content and converts it; {@code sealedCredential} is what to store (the
     * caller seals or keeps it). The base URL passes the egress guard's syntax check here; the
     * tenant's egress rules are checked when a change is validated and on every call.
     */
    public static CatalogRows.ProviderRow provider(
            String name, JsonObject c, String sealedCredential) {
        checkProviderName(name);
        String kind = string(c, "kind", null);
        if (kind == null || !KINDS.contains(kind)) {
            throw new ValidationException("content.kind", "kind must be one of " + KINDS);
        }
        JsonObject options =
                c.get("options") instanceof JsonObject o ? o : JsonValue.EMPTY_JSON_OBJECT;
        if (c.containsKey("options") && !(c.get("options") instanceof JsonObject)) {
            throw new ValidationException("content.options", "options must be an object");
        }
        String baseUrl = string(c, "baseUrl", null);
        if (kind.equals("azure-openai") && (baseUrl == null || baseUrl.isBlank())) {
            throw new ValidationException("content.baseUrl", "Azure OpenAI needs baseUrl");
        }
        if (options.containsKey("responsesApi")) {
            // the provider serves OpenAI's /responses: Responses requests go to it natively
            JsonValue v = options.get("responsesApi");
            if (v.getValueType() != JsonValue.ValueType.TRUE
                    && v.getValueType() != JsonValue.ValueType.FALSE) {
                throw new ValidationException(
                        "content.options.responsesApi", "responsesApi must be true or false");
            }
            if (v.getValueType() == JsonValue.ValueType.TRUE && !kind.equals("openai")) {
                throw new ValidationException(
                        "content.options.responsesApi",
                        "responsesApi is only for providers of kind openai");
            }
        }
        if (options.containsKey("allowLinkLocal")) {
            // replaced by the tenant's egress allow-list: a provider cannot exempt itself
            throw new ValidationException(
                    "content.options.allowLinkLocal",
                    "allowLinkLocal is no longer supported: private, loopback and link-local base URLs need an"
                            + " entry in the tenant's egress allow-list (set by a platform admin)");
        }
        if (baseUrl != null && !baseUrl.isBlank()) {
            try {
                SsrfGuard.checkSyntax(new URI(baseUrl));
            } catch (URISyntaxException e) {
                throw new ValidationException("content.baseUrl", "baseUrl is not a valid URL");
            } catch (ProviderException e) {
                throw new ValidationException("content.baseUrl", "baseUrl " + e.getMessage());
            }
        } else {
            baseUrl = null;
        }
        String region = string(c, "region", "local");
        int clearance = integer(c, "clearance", 0, 0, 3);
        int timeoutMs = integer(c, "timeoutMs", 30_000, 100, 600_000);
        int maxConcurrency = integer(c, "maxConcurrency", 64, 1, 10_000);
        boolean enabled = c.getBoolean("enabled", true);
        if (!(c.get("models") instanceof JsonArray models)
                || models.isEmpty()
                || models.size() > 200) {
            throw new ValidationException(
                    "content.models", "models must be a non-empty array (at most 200)");
        }
        List<Model> list = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < models.size(); i++) {
            String p = "content.models[" + i + "]";
            if (!(models.get(i) instanceof JsonObject m)) {
                throw new ValidationException(p, p + " must be an object");
            }
            String mname = string(m, p, "name", null);
            if (mname == null || mname.isBlank() || mname.length() > 200 || !names.add(mname)) {
                throw new ValidationException(
                        p + ".name", p + ".name must be a unique non-empty string");
            }
            Set<String> caps = new LinkedHashSet<>();
            if (m.get("capabilities") instanceof JsonArray ca) {
                for (JsonValue v : ca) {
                    if (!(v instanceof JsonString s)
                            || !Model.CAPABILITIES.contains(s.getString())) {
                        throw new ValidationException(
                                p + ".capabilities",
                                "capabilities must be among " + Model.CAPABILITIES);
                    }
                    caps.add(s.getString());
                }
            } else {
                caps.add("chat");
            }
            list.add(
                    new Model(
                            mname,
                            integer(m, p, "contextWindow", 8192, 1, 100_000_000),
                            caps,
                            price(m, "inputPricePerMillion", p),
                            price(m, "outputPricePerMillion", p)));
        }
        return new CatalogRows.ProviderRow(
                name,
                kind,
                baseUrl,
                sealedCredential,
                region,
                clearance,
                timeoutMs,
                maxConcurrency,
                options,
                enabled,
                list);
    }

    public static CatalogRows.RouteRow route(String alias, JsonObject c) {
        checkAlias(alias);
        String operation = string(c, "operation", "chat");
        if (!Route.OPERATIONS.contains(operation)) {
            throw new ValidationException(
                    "content.operation", "operation must be chat or embeddings");
        }
        String strategy = string(c, "strategy", "priority");
        if (!Route.STRATEGIES.contains(strategy)) {
            throw new ValidationException(
                    "content.strategy", "strategy must be one of " + Route.STRATEGIES);
        }
        Set<String> caps = new LinkedHashSet<>();
        if (c.get("requiredCapabilities") instanceof JsonArray ca) {
            for (JsonValue v : ca) {
                if (!(v instanceof JsonString s) || !Model.CAPABILITIES.contains(s.getString())) {
                    throw new ValidationException(
                            "content.requiredCapabilities",
                            "capabilities must be among " + Model.CAPABILITIES);
                }
                caps.add(s.getString());
            }
        }
        int ttl = integer(c, "cacheTtlSeconds", 0, 0, 86_400);
        if (!(c.get("targets") instanceof JsonArray targets)
                || targets.isEmpty()
                || targets.size() > 32) {
            throw new ValidationException(
                    "content.targets", "targets must be a non-empty array (at most 32)");
        }
        List<Route.RouteTarget> list = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            String p = "content.targets[" + i + "]";
            if (!(targets.get(i) instanceof JsonObject t)) {
                throw new ValidationException(p, p + " must be an object");
            }
            String provider = string(t, p, "provider", null);
            String model = string(t, p, "model", null);
            if (provider == null || model == null) {
                throw new ValidationException(p, p + " needs provider and model");
            }
            list.add(
                    new Route.RouteTarget(
                            i, provider, model, integer(t, p, "weight", 1, 0, 1_000_000)));
        }
        if (strategy.equals("weighted") && list.stream().allMatch(t -> t.weight() == 0)) {
            throw new ValidationException(
                    "content.targets", "weighted routes need a positive weight");
        }
        return new CatalogRows.RouteRow(
                alias, operation, strategy, caps, ttl, c.getBoolean("enabled", true), list);
    }

    /**
     * A provider as content (credential left out; {@code credentialSet} says whether one exists).
     */
    public static JsonObject providerContent(Provider p) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("kind", p.kind());
        if (p.baseUrl() != null) {
            b.add("baseUrl", p.baseUrl());
        }
        b.add("credentialSet", p.sealedCredential() != null)
                .add("region", p.region())
                .add("clearance", p.clearance())
                .add("timeoutMs", p.timeoutMs())
                .add("maxConcurrency", p.maxConcurrency())
                .add("options", p.options())
                .add("enabled", p.enabled());
        JsonArrayBuilder models = Json.createArrayBuilder();
        for (Model m : p.models()) {
            JsonArrayBuilder caps = Json.createArrayBuilder();
            m.capabilities().stream().sorted().forEach(caps::add);
            models.add(
                    Json.createObjectBuilder()
                            .add("name", m.name())
                            .add("contextWindow", m.contextWindow())
                            .add("capabilities", caps)
                            .add("inputPricePerMillion", Prices.format(m.inputPriceMicros()))
                            .add("outputPricePerMillion", Prices.format(m.outputPriceMicros())));
        }
        return b.add("models", models).build();
    }

    public static JsonObject routeContent(Route r) {
        JsonArrayBuilder caps = Json.createArrayBuilder();
        r.requiredCapabilities().stream().sorted().forEach(caps::add);
        JsonArrayBuilder targets = Json.createArrayBuilder();
        for (Route.RouteTarget t : r.targets()) {
            targets.add(
                    Json.createObjectBuilder()
                            .add("provider", t.provider())
                            .add("model", t.model())
                            .add("weight", t.weight()));
        }
        return Json.createObjectBuilder()
                .add("operation", r.operation())
                .add("strategy", r.strategy())
                .add("requiredCapabilities", caps)
                .add("cacheTtlSeconds", r.cacheTtlSeconds())
                .add("enabled", r.enabled())
                .add("targets", targets)
                .build();
    }

    private static String string(JsonObject o, String f, String def) {
        return string(o, "content", f, def);
    }

    /** A string field of {@code o}, which sits at {@code at} (errors name the field's path). */
    private static String string(JsonObject o, String at, String f, String def) {
        JsonValue v = o.get(f);
        if (v == null || v == JsonValue.NULL) {
            return def;
        }
        if (!(v instanceof JsonString s)) {
            throw new ValidationException(at + "." + f, f + " must be a string");
        }
        return s.getString();
    }

    private static int integer(JsonObject o, String f, int def, int min, int max) {
        return integer(o, "content", f, def, min, max);
    }

    /** An integer field of {@code o}, which sits at {@code at} (errors name the field's path). */
    private static int integer(JsonObject o, String at, String f, int def, int min, int max) {
        JsonValue v = o.get(f);
        if (v == null || v == JsonValue.NULL) {
            return def;
        }
        if (!(v instanceof JsonNumber n)
                || !n.isIntegral()
                || n.longValue() < min
                || n.longValue() > max) {
            throw new ValidationException(
                    at + "." + f, f + " must be an integer from " + min + " to " + max);
        }
        return n.intValue();
    }

    private static long price(JsonObject m, String f, String p) {
        JsonValue v = m.get(f);
        if (v == null || v == JsonValue.NULL) {
            return 0;
        }
        try {
            String text = v instanceof JsonString s ? s.getString() : v.toString();
            return Prices.parsePerMillion(text);
        } catch (RuntimeException e) {
            throw new ValidationException(
                    p + "." + f,
                    f + " must be a non-negative decimal with at most 6 decimal places");
        }
    }
}
