package io.gatehouse.shared;

import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The caller of the current request, and the only holder of it: people and services (JWT) on {@code
 * /api}, the API key on {@code /v1}. The edge module sets it once it has authenticated the request;
 * every other module reads it and never trusts a tenant id sent by the client ({@code
 * ArchitectureTest.oneHolderForTheCurrentCaller} keeps a second holder from coming back).
 */
@RequestScoped
public class CurrentCaller {
    private Caller caller;

    public void set(Caller caller) {
        this.caller = caller;
    }

    public Optional<Caller> get() {
        return Optional.ofNullable(caller);
    }

    /**
     * The authenticated person or service of an {@code /api} request, or 401: an API key never
     * passes here, whichever path let it in ({@link #requireApiKey} is the {@code /v1} side).
     */
    public Caller require() {
        if (caller == null || caller.isApiKey()) {
            throw new UnauthorizedException("Authentication required");
        }
        return caller;
    }

    /**
     * The API key of a {@code /v1} request, or 401 {@code invalid_api_key}: a person's token never
     * passes as a key, whichever path let it in.
     */
    public Caller requireApiKey() {
        if (caller == null || !caller.isApiKey()) {
            throw new UnauthorizedException("invalid_api_key", "A valid API key is required");
        }
        return caller;
    }
}
