package io.gatehouse.routing.internal.provider;

/**
 * A provider call that failed, classified for failover: connect errors, timeouts, 429 and 5xx (and
 * a malformed answer) may go to the next target; the client's own 4xx may not.
 */
public class ProviderException extends Exception {
    public enum Kind {
        CONNECT(true, true),
        TIMEOUT(true, true),
        RATE_LIMITED(true, false),
        SERVER(true, true),
        MALFORMED(true, true),
        /** The provider refused our credential or model: a catalog problem, try the next target. */
        PROVIDER_CONFIG(true, false),
        /** The provider rejected the request itself: the client's fault, never failed over. */
        CLIENT(false, false);

        final boolean retryable;
        final boolean tripsBreaker;

        Kind(boolean retryable, boolean tripsBreaker) {
            this.retryable = retryable;
            this.tripsBreaker = tripsBreaker;
        }
    }

    private final Kind kind;
    private final int status;
    private final Long retryAfterMillis;

    public ProviderException(Kind kind, int status, String message, Long retryAfterMillis) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfterMillis = retryAfterMillis;
    }

    public ProviderException(Kind kind, String message) {
        this(kind, 0, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The provider's HTTP status, 0 when there was none. */
    public int status() {
        return status;
    }

    public Long retryAfterMillis() {
        return retryAfterMillis;
    }

    public boolean retryable() {
        return kind.retryable;
    }

    public boolean tripsBreaker() {
        return kind.tripsBreaker;
    }

    /** Classifies an HTTP error status of a provider. */
    public static ProviderException fromStatus(int status, String message, Long retryAfterMillis) {
        Kind k;
        if (status == 429) {
            k = Kind.RATE_LIMITED;
        } else if (status == 408) {
            k = Kind.TIMEOUT;
        } else if (status >= 500) {
            k = Kind.SERVER;
        } else if (status == 401 || status == 403 || status == 404) {
            k = Kind.PROVIDER_CONFIG;
        } else {
            k = Kind.CLIENT;
        }
        return new ProviderException(k, status, message, retryAfterMillis);
    }
}
