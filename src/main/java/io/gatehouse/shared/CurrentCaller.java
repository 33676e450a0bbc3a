package io.gatehouse.shared;

import io.gatehouse.shared.error.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;
import java.util.Optional;

/**
 * The caller of the current request. The edge module sets it once it has authenticated the request;
 * every other module reads it and never trusts a tenant id sent by the client.
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

    /** The authenticated caller, or 401. */
    public Caller require() {
        if (caller == null) {
            throw new UnauthorizedException("Authentication required");
        }
        return caller;
    }
}
