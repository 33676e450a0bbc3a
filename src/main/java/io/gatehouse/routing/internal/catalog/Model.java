package io.gatehouse.routing.internal.catalog;

import java.util.Set;

/**
 * A provider's model.
 *
 * @param name the provider's model name (Azure: the deployment name)
 * @param capabilities of {@code chat, tools, vision, json, streaming, embeddings}
 * @param inputPriceMicros micro-units of currency per million input tokens
 * @param outputPriceMicros micro-units of currency per million output tokens
 */
public record Model(
        String name,
        int contextWindow,
        Set<String> capabilities,
        long inputPriceMicros,
        long outputPriceMicros) {
    public static final Set<String> CAPABILITIES =
            Set.of("chat", "tools", "vision", "json", "streaming", "embeddings");

    public Model {
        capabilities = Set.copyOf(capabilities);
    }
}
