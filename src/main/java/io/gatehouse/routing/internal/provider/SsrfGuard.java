package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.net.EgressGuard;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * The shared {@link EgressGuard} for provider base URLs, as provider errors: refused unless the
 * provider's option {@code allowLinkLocal} is true. Checked when a provider is validated and again
 * on every call (after DNS resolution); a host that does not resolve is a connect failure (the
 * route may fail over), not a configuration error.
 */
public final class SsrfGuard {
  private SsrfGuard() {}

  /** Checks scheme and host without resolving (for validation when DNS may not know the host yet). */
  public static void checkSyntax(URI uri, boolean allowLinkLocal) throws ProviderException {
    var refused = EgressGuard.refusedUrl(uri, allowLinkLocal);
    if (refused.isPresent()) {
      throw refused(refused.get());
    }
  }

  /** Resolves the host and refuses link-local, metadata and unspecified addresses. */
  public static void check(URI uri, boolean allowLinkLocal) throws ProviderException {
    checkSyntax(uri, allowLinkLocal);
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(EgressGuard.resolvableHost(uri));
    } catch (UnknownHostException e) {
      throw new ProviderException(ProviderException.Kind.CONNECT, "provider host does not resolve");
    }
    var refused = EgressGuard.refusedAddresses(addresses, allowLinkLocal);
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
