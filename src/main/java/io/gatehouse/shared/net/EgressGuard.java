package io.gatehouse.shared.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where Gatehouse may send requests that an administrator configured (provider base URLs, webhook
 * endpoints, and whatever else calls out on a tenant's behalf): public addresses, and private,
 * loopback or link-local ones only where an allow-list entry ({@link EgressRule}) covers them.
 * Cloud-metadata names and addresses and the unspecified address are refused always. A host name on
 * the list may resolve to private addresses; any other name is resolved and every address it
 * resolves to must pass. Without a resolver (an outbound proxy resolves names and enforces its own
 * rules) names are judged by name only: literal addresses, metadata names, {@code localhost} and
 * ambiguous numeric hosts are still refused.
 *
 * <p>Pure rules; {@link EgressPolicy} supplies the allow-list of a tenant and the proxy setting.
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
    private static final Pattern DOTTED_QUAD =
            Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("[0-9]+|0x[0-9a-f]*");

    /** How host names become addresses (the JVM's resolver; tests pass their own). */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** The JVM's resolver (and its cache, which the HTTP clients share when they connect). */
    public static final Resolver DNS = InetAddress::getAllByName;

    private EgressGuard() {}

    /**
     * Why the URL itself is refused, whatever any allow-list says (scheme, host, credentials,
     * metadata names and addresses, the unspecified address), or empty. Never resolves the host.
     */
    public static Optional<String> refusedUrl(URI uri) {
        if (uri.getScheme() == null
                || !(uri.getScheme().equalsIgnoreCase("http")
                        || uri.getScheme().equalsIgnoreCase("https"))) {
            return Optional.of("URL must be http or https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            return Optional.of("URL has no host");
        }
        if (uri.getRawUserInfo() != null) {
            return Optional.of("URL must not carry user info");
        }
        String host = host(uri);
        if (METADATA_HOSTS.contains(host)) {
            return Optional.of("URL points at a cloud metadata service");
        }
        InetAddress literal = literal(host);
        if (literal != null
                && (literal.isAnyLocalAddress()
                        || METADATA_ADDRESSES.contains(literal.getHostAddress()))) {
            return refusedAddress(literal, port(uri), List.of());
        }
        return Optional.empty();
    }

    /**
     * Why Gatehouse may not send to this URL, or empty.
     *
     * @param allowed the allow-list entries that apply (the operator's and the tenant's)
     * @param resolver how to resolve a name; null when an outbound proxy resolves names
     */
    public static Optional<String> refused(URI uri, List<EgressRule> allowed, Resolver resolver) {
        Optional<String> byUrl = refusedUrl(uri);
        if (byUrl.isPresent()) {
            return byUrl;
        }
        String host = host(uri);
        int port = port(uri);
        InetAddress literal = literal(host);
        if (literal != null) {
            return refusedAddress(literal, port, allowed);
        }
        if (looksNumeric(host)
                || NUMERIC_LABEL.matcher(host.substring(host.lastIndexOf('.') + 1)).matches()) {
            // 0177.0.0.1, 0x7f.1, 2130706433: resolvers and proxies read these as addresses
            return Optional.of("URL host is not a plain address or host name");
        }
        boolean named = allowed.stream().anyMatch(r -> r.coversName(host, port));
        if (!named && (host.equals("localhost") || host.endsWith(".localhost"))) {
            return Optional.of(
                    "URL points at a loopback name that is not on the egress allow-list");
        }
        if (resolver == null) {
            return Optional.empty(); // the proxy resolves the name and enforces its own rules
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            // not refused here: the call fails with its own connect error (and a configuration may
            // name
            // a host that DNS does not know yet; it is checked again before every call)
            return Optional.empty();
        }
        for (InetAddress a : addresses) {
            // a name on the list may resolve to private addresses, never to metadata or unspecified
            // ones
            Optional<String> why = named ? refusedAlways(a) : refusedAddress(a, port, allowed);
            if (why.isPresent()) {
                return why;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refusedAlways(InetAddress a) {
        if (a.isAnyLocalAddress()) {
            return Optional.of("URL resolves to an unspecified address");
        }
        if (METADATA_ADDRESSES.contains(a.getHostAddress())) {
            return Optional.of("URL resolves to a cloud metadata address");
        }
        return Optional.empty();
    }

    /** Why this address may not be reached on this port, or empty. */
    public static Optional<String> refusedAddress(
            InetAddress a, int port, List<EgressRule> allowed) {
        Optional<String> always = refusedAlways(a);
        if (always.isPresent()) {
            return always;
        }
        if (isPublic(a)) {
            return Optional.empty();
        }
        for (EgressRule r : allowed) {
            if (r.coversAddress(a, port)) {
                return Optional.empty();
            }
        }
        return Optional.of(
                "URL resolves to a private, loopback or link-local address that is not on the egress allow-list");
    }

    /** False for loopback, private, shared, link-local, multicast and reserved addresses. */
    public static boolean isPublic(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return isPublicV4(b, 0);
        }
        if (!(a instanceof Inet6Address)) {
            return false;
        }
        int b0 = b[0] & 0xff;
        int b1 = b[1] & 0xff;
        if (a.isLoopbackAddress()
                || a.isAnyLocalAddress()
                || a.isLinkLocalAddress()
                || a.isSiteLocalAddress()
                || a.isMulticastAddress()) {
            return false;
        }
        if ((b0 & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local
        }
        if (allZero(b, 0, 12)) {
            return isPublicV4(b, 12); // ::a.b.c.d (IPv4-compatible)
        }
        if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
            // 64:ff9b::/96 and 64:ff9b:1::/48 (NAT64): the IPv4 address inside decides
            return allZero(b, 4, 8) && isPublicV4(b, 12);
        }
        if (b0 == 0x20 && b1 == 0x02) {
            return isPublicV4(b, 2); // 2002::/16 (6to4)
        }
        return true;
    }

    private static boolean isPublicV4(byte[] b, int at) {
        int o0 = b[at] & 0xff;
        int o1 = b[at + 1] & 0xff;
        int o2 = b[at + 2] & 0xff;
        return !(o0 == 0
                || o0 == 10
                || o0 == 127
                || (o0 == 100 && (o1 & 0xc0) == 64) // 100.64.0.0/10 shared (carrier-grade NAT)
                || (o0 == 169 && o1 == 254)
                || (o0 == 172 && (o1 & 0xf0) == 16)
                || (o0 == 192 && o1 == 0 && o2 == 0)
                || (o0 == 192 && o1 == 168)
                || (o0 == 198 && (o1 & 0xfe) == 18) // 198.18.0.0/15 benchmarking
                || o0 >= 224); // multicast, reserved, broadcast
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The URL's host lower-case, without brackets or a trailing dot. */
    public static String host(URI uri) {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host;
    }

    /** The port the URL connects to (its own, or the scheme's). */
    public static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * The host of a URL as {@link InetAddress#getAllByName} takes it (IPv6 literals unbracketed).
     */
    public static String resolvableHost(URI uri) {
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return host;
    }

    /** True for text made of what IP literals are made of (digits and dots, or hex with colons). */
    static boolean looksNumeric(String s) {
        return !s.isEmpty()
                && (s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.')
                        || (s.indexOf(':') >= 0
                                && s.chars()
                                        .allMatch(
                                                c ->
                                                        Character.digit(c, 16) >= 0
                                                                || c == ':'
                                                                || c == '.'
                                                                || c == '%')));
    }

    /**
     * A strict IP literal (dotted quad without leading zeros, or IPv6), never a DNS lookup; null
     * for anything else.
     */
    static InetAddress literal(String s) {
        try {
            if (DOTTED_QUAD.matcher(s).matches()) {
                String[] parts = s.split("\\.");
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = Integer.parseInt(parts[i]);
                    if (v > 255) {
                        return null;
                    }
                    b[i] = (byte) v;
                }
                return InetAddress.getByAddress(b);
            }
            if (s.indexOf(':') >= 0 && looksNumeric(s)) {
                // brackets make the JDK parse it as an IPv6 literal or fail, never look it up
                return InetAddress.getByName("[" + s + "]");
            }
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
        return null;
    }
}
