package io.gatehouse.edge;

import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/** The API key of the current {@code /v1} request, set by the edge once verified. */
@RequestScoped
public class ClientAccess {
    private ClientKey key;

    public void set(ClientKey key) {
        this.key = key;
    }

    public Optional<ClientKey> key() {
        return Optional.ofNullable(key);
    }

    public ClientKey require() {
        if (key == null) {
            throw new UnauthorizedException("invalid_api_key", "A valid API key is required");
        }
        return key;
    }
}
