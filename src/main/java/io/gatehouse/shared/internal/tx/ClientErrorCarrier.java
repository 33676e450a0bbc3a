package io.gatehouse.shared.internal.tx;

import io.gatehouse.shared.error.GatehouseException;

/**
 * An expected client error (4xx) on its way out of a {@code @Transactional} method, as a checked
 * exception: Liberty's transaction manager writes an FFDC incident for every runtime exception
 * leaving a transactional method, never for a checked one. {@link TransactionalClientErrors} wraps
 * and unwraps it around Liberty's interceptor; no caller ever sees it.
 */
final class ClientErrorCarrier extends Exception {
    private static final long serialVersionUID = 1L;

    final GatehouseException error;

    ClientErrorCarrier(GatehouseException error) {
        super(error.getMessage(), null, false, false);
        this.error = error;
    }

    /** The client error carried somewhere in {@code e}'s causes, or null. */
    static GatehouseException carried(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ClientErrorCarrier c) {
                return c.error;
            }
        }
        return null;
    }
}
