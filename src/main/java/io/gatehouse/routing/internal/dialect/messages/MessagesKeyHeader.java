package io.gatehouse.routing.internal.dialect.messages;

import io.gatehouse.edge.ApiKeyHeader;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Anthropic's SDKs send the key as {@code x-api-key}: the edge takes it there on the Messages
 * dialect's paths ({@link MessagesResource}), and only there.
 */
@ApplicationScoped
public class MessagesKeyHeader implements ApiKeyHeader {
    static final String X_API_KEY = "x-api-key";

    @Override
    public boolean serves(String path) {
        return path.equals("v1/messages") || path.startsWith("v1/messages/");
    }

    @Override
    public String name() {
        return X_API_KEY;
    }
}
