package io.gatehouse.shared.net;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Where Gatehouse may send requests that an administrator configured (provider base URLs, webhook
 * endpoints): never to link-local or cloud-metadata addresses (the classic SSRF target: instance
 * credentials at 169.254.169.254) nor to the unspecified address, unless a caller explicitly allows
 * link-local. Private networks (10/8, 192.168/16, loopback) stay allowed: self-hosted models and
 * in-house webhook receivers live there. Callers check the URL when it is configured and the
 * resolved addresses again before each call, so a name that later resolves to a metadata address
 * is refused too.
 */
public final class EgressGuard {
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

  private EgressGuard() {}

  /** Why the URL itself is refused (scheme, host, credentials, metadata names), or empty. */
  public static Optional<String> refusedUrl(URI uri, boolean allowLinkLocal) {
    if (uri.getScheme() == null
        || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))) {
      return Optional.of("URL must be http or https");
    }
    if (uri.getHost() == null || uri.getHost().isBlank()) {
      return Optional.of("URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      return Optional.of("URL must not carry user info");
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (host.endsWith(".")) {
      host = host.substring(0, host.length() - 1);
    }
    if (!allowLinkLocal && METADATA_HOSTS.contains(host)) {
      return Optional.of("URL points at a cloud metadata service");
    }
    return Optional.empty();
  }

  /** Why these resolved addresses of the URL's host are refused, or empty. */
  public static Optional<String> refusedAddresses(InetAddress[] addresses, boolean allowLinkLocal) {
    for (InetAddress a : addresses) {
      if (a.isAnyLocalAddress()) {
        return Optional.of("URL resolves to an unspecified address");
      }
      if (!allowLinkLocal
          && (a.isLinkLocalAddress() || METADATA_ADDRESSES.contains(a.getHostAddress()))) {
        return Optional.of("URL resolves to a link-local or metadata address");
      }
    }
    return Optional.empty();
  }

  /**
   * Both checks, resolving the host now. A host that does not resolve is not refused here: the call
   * itself then fails with its own connect error (and a configuration may name a host that DNS does
   * not know yet).
   */
  public static Optional<String> refused(URI uri, boolean allowLinkLocal) {
    Optional<String> byUrl = refusedUrl(uri, allowLinkLocal);
    if (byUrl.isPresent()) {
      return byUrl;
    }
    try {
      return refusedAddresses(InetAddress.getAllByName(resolvableHost(uri)), allowLinkLocal);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The host of a URL as {@link InetAddress#getAllByName} takes it (IPv6 literals unbracketed). */
  public static String resolvableHost(URI uri) {
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return host;
  }
}
