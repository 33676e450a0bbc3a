package io.gatehouse.routing.internal.provider;

import io.gatehouse.routing.internal.catalog.Model;
import io.gatehouse.routing.internal.catalog.Provider;
import jakarta.json.JsonObject;
import java.time.Duration;

/**
 * One attempt at one provider. {@code body} is the OpenAI-shaped request the gateway built from the
 * client's (only known fields, after the stages ran); adapters translate it for their provider.
 * {@code credential} is the opened secret; never log this record.
 */
public record ProviderCall(
        Provider provider, Model model, JsonObject body, Duration timeout, String credential) {
    @Override
    public String toString() {
        return "ProviderCall[" + provider.name() + "/" + model.name() + "]";
    }
}
