package io.gatehouse.governance.internal;

import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.Locale;

/**
 * How a delivery attempt went, as tenant admins see it. Classes only: the receiver's exact status
 * code and our exception names would turn deliveries into a port scanner (open, closed, filtered,
 * what answers where). The server log keeps the detail for operators.
 */
public enum WebhookOutcome {
    DELIVERED,
    HTTP_ERROR_3XX,
    HTTP_ERROR_4XX,
    HTTP_ERROR_5XX,
    TIMEOUT,
    REFUSED,
    CONNECTION_FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The class of an HTTP answer: 2xx delivered; redirects are not followed. */
    static WebhookOutcome ofStatus(int status) {
        if (status >= 200 && status < 300) {
            return DELIVERED;
        }
        if (status >= 400 && status < 500) {
            return HTTP_ERROR_4XX;
        }
        if (status >= 500) {
            return HTTP_ERROR_5XX;
        }
        return HTTP_ERROR_3XX;
    }

    /** The class of a failure to get an answer (a connect timeout: nothing answered at all). */
    static WebhookOutcome ofFailure(Throwable t) {
        if (t instanceof HttpTimeoutException && !(t instanceof HttpConnectTimeoutException)) {
            return TIMEOUT;
        }
        return CONNECTION_FAILED;
    }
}
