package io.gatehouse.routing.internal.catalog;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A provider in a tenant's catalog. {@code sealedCredential} is SecretBox text; it is opened only
 * at call time and never printed ({@link #toString()} leaves it out).
 */
public record Provider(
        UUID id,
        TenantId tenant,
        String name,
        String kind,
        String baseUrl,
        String sealedCredential,
        String region,
        int clearance,
        int timeoutMs,
        int maxConcurrency,
        JsonObject options,
        boolean enabled,
        String version,
        List<Model> models) {

    public Provider {
        models = List.copyOf(models);
    }

    public Optional<Model> model(String name) {
        return models.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    public static String credentialContext(TenantId tenant, String providerName) {
        return "provider-credential:" + tenant + ":" + providerName;
    }

    public boolean optionTrue(String name) {
        return options != null
                && options.containsKey(name)
                && options.get(name).toString().equals("true");
    }

    public long optionLong(String name, long def) {
        if (options == null || !options.containsKey(name)) {
            return def;
        }
        try {
            return options.getJsonNumber(name).longValue();
        } catch (ClassCastException e) {
            return def;
        }
    }

    public String optionString(String name, String def) {
        if (options == null || !options.containsKey(name)) {
            return def;
        }
        try {
            return options.getString(name);
        } catch (ClassCastException e) {
            return def;
        }
    }

    @Override
    public String toString() {
        return "Provider[" + name + ", " + kind + ", " + baseUrl + ", region=" + region + "]";
    }
}
