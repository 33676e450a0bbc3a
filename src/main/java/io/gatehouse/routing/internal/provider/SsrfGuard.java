package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.net.EgressGuard;
import io.gatehouse.shared.net.EgressPolicy;
import java.net.URI;

/**
 * The shared egress rules ({@link EgressPolicy}) for provider base URLs, as provider errors:
 * checked when a provider change is validated and again on every call (after DNS resolution, unless
 * an outbound proxy resolves names). A private, loopback or link-local base URL needs an entry in
 * the tenant's egress allow-list or the operator's configuration. The built-in sandbox runs
 * in-process and is never checked.
 */
public final class SsrfGuard {
    private SsrfGuard() {}

    /** Checks scheme, host and credentials of the URL without resolving it. */
    public static void checkSyntax(URI uri) throws ProviderException {
        var refused = EgressGuard.refusedUrl(uri);
        if (refused.isPresent()) {
            throw refused(refused.get());
        }
    }

    /** The tenant's egress rules for this URL, resolving its host unless a proxy does. */
    public static void check(EgressPolicy egress, TenantId tenant, URI uri)
            throws ProviderException {
        var refused = egress.refused(tenant, uri);
        if (refused.isPresent()) {
            throw refused(refused.get());
        }
    }

    private static ProviderException refused(String why) {
        // "base URL ..." as before: operators and tests read these messages
        return new ProviderException(
                ProviderException.Kind.PROVIDER_CONFIG, 0, "refused: base " + why, null);
    }
}
