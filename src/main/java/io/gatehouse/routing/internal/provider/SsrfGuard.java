package io.gatehouse.routing.internal.provider;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses provider base URLs that point at link-local or cloud-metadata addresses (the classic
 * SSRF target: instance credentials at 169.254.169.254), unless the provider's option
 * {@code allowLinkLocal} is true. Checked when a provider is validated and again on every call
 * (after DNS resolution), so a name that later resolves to a metadata address is refused too.
 * Private networks (10/8, 192.168/16, loopback) stay allowed: self-hosted models live there.
 */
public final class SsrfGuard {
  private static final Set<String> METADATA_HOSTS =
      Set.of(
          "metadata.google.internal",
          "metadata.goog",
          "metadata",
          "instance-data",
          "instance-data.ec2.internal",
          "metadata.azure.internal");
  private static final Set<String> METADATA_ADDRESSES =
      Set.of(
          "169.254.169.254", // AWS, Azure, GCP, OpenStack, ...
          "fd00:ec2:0:0:0:0:0:254", // AWS IPv6
          "100.100.100.200", // Alibaba
          "192.0.0.192", // Oracle
          "168.63.129.16"); // Azure wire server

  private SsrfGuard() {}

  /** Checks scheme and host without resolving (for validation when DNS may not know the host yet). */
  public static void checkSyntax(URI uri, boolean allowLinkLocal) throws ProviderException {
    if (uri.getScheme() == null
        || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
      throw refused("base URL must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      throw refused("base URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw refused("base URL must not carry user info");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (!allowLinkLocal && METADATA_HOSTS.contains(host)) {
      throw refused("base URL points at a cloud metadata service");
    }
  }

  /** Resolves the host and refuses link-local, metadata and unspecified addresses. */
  public static void check(URI uri, boolean allowLinkLocal) throws ProviderException {
    checkSyntax(uri, allowLinkLocal);
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new ProviderException(ProviderException.Kind.CONNECT, "provider host does not resolve");
    }
    for (InetAddress a : addresses) {
      if (a.isAnyLocalAddress()) {
        throw refused("base URL resolves to an unspecified address");
      }
      if (!allowLinkLocal
          && (a.isLinkLocalAddress() || METADATA_ADDRESSES.contains(a.getHostAddress()))) {
        throw refused("base URL resolves to a link-local or metadata address");
      }
    }
  }

  private static ProviderException refused(String why) {
    return new ProviderException(ProviderException.Kind.PROVIDER_CONFIG, 0, "refused: " + why, null);
  }
}
