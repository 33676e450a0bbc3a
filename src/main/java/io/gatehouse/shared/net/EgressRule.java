package io.gatehouse.shared.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of an egress allow-list: a network ({@code 10.0.0.0/8}, {@code fd00::/8}, or a single
 * address), a host name ({@code models.corp.example}) or the subdomains of one ({@code
 * *.corp.example}), on every port or on one. An address entry lets Gatehouse reach a private,
 * loopback or link-local address it would otherwise refuse; a name entry lets a name resolve to
 * such addresses. Networks broader than /8 (IPv4) or /7 (IPv6) and wildcards over a single label
 * are refused: an allow-list that covers everything is no list.
 */
public final class EgressRule {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private enum Kind {
        NETWORK,
        HOST,
        SUBDOMAINS
    }

    private final Kind kind;
    private final String destination; // canonical text
    private final Integer port;
    private final byte[] network; // NETWORK only
    private final int prefix;

    private EgressRule(Kind kind, String destination, Integer port, byte[] network, int prefix) {
        this.kind = kind;
        this.destination = destination;
        this.port = port;
        this.network = network;
        this.prefix = prefix;
    }

    /**
     * An entry from its parts, as the allow-list API takes them.
     *
     * @param port null for every port
     * @throws IllegalArgumentException saying what is wrong
     */
    public static EgressRule of(String destination, Integer port) {
        if (port != null && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port must be 1 to 65535");
        }
        if (destination == null || destination.isBlank()) {
            throw new IllegalArgumentException("destination is required");
        }
        String d = destination.trim().toLowerCase(Locale.ROOT);
        if (d.length() > 253) {
            throw new IllegalArgumentException("destination is at most 253 characters");
        }
        if (d.startsWith("[") && d.contains("]")) {
            d = d.substring(1, d.indexOf(']')) + d.substring(d.indexOf(']') + 1);
        }
        int slash = d.indexOf('/');
        String addr = slash < 0 ? d : d.substring(0, slash);
        if (EgressGuard.looksNumeric(addr)) {
            return network(destination, addr, slash < 0 ? null : d.substring(slash + 1), port);
        }
        if (slash >= 0) {
            throw new IllegalArgumentException(destination + " is not a valid CIDR network");
        }
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        boolean wildcard = d.startsWith("*.");
        String name = wildcard ? d.substring(2) : d;
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException(
                        destination + " is neither a CIDR network, an IP address nor a host name");
            }
        }
        if (labels[labels.length - 1].matches("[0-9]+")) {
            throw new IllegalArgumentException(
                    destination + " is not a valid IP address or host name");
        }
        if (wildcard && labels.length < 2) {
            throw new IllegalArgumentException(
                    destination
                            + " is too broad: a wildcard needs at least two labels (*.corp.example)");
        }
        return new EgressRule(wildcard ? Kind.SUBDOMAINS : Kind.HOST, d, port, null, 0);
    }

    /**
     * An entry as written in configuration: {@code destination[:port]}, IPv6 in brackets when a
     * port follows ({@code [fd00::1]:8080}, {@code 10.0.0.0/8:443}, {@code
     * models.corp.example:8000}).
     */
    public static EgressRule parse(String text) {
        String t = text == null ? "" : text.trim();
        Integer port = null;
        String destination = t;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(text + ": unbalanced [");
            }
            String rest = t.substring(close + 1);
            int colon = rest.lastIndexOf(':');
            destination = t.substring(0, close + 1) + (colon < 0 ? rest : rest.substring(0, colon));
            if (colon >= 0) {
                port = port(text, rest.substring(colon + 1));
            }
        } else if (t.indexOf(':') >= 0 && t.indexOf(':') == t.lastIndexOf(':')) {
            destination = t.substring(0, t.indexOf(':'));
            port = port(text, t.substring(t.indexOf(':') + 1));
        }
        return of(destination, port);
    }

    private static Integer port(String text, String p) {
        try {
            return Integer.valueOf(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + ": port must be a number");
        }
    }

    private static EgressRule network(
            String original, String addr, String prefixText, Integer port) {
        InetAddress literal = EgressGuard.literal(addr);
        if (literal == null) {
            throw new IllegalArgumentException(
                    original + " is not a valid IP address or CIDR network");
        }
        byte[] bytes = literal.getAddress();
        if (addr.contains(":") && bytes.length == 4) {
            throw new IllegalArgumentException(original + ": write IPv4-mapped addresses as IPv4");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (prefixText != null) {
            if (!prefixText.matches("\\d{1,3}")) {
                throw new IllegalArgumentException(original + " is not a valid CIDR network");
            }
            prefix = Integer.parseInt(prefixText);
            if (prefix > max) {
                throw new IllegalArgumentException(
                        original + " is not a valid CIDR network: prefix length is at most " + max);
            }
        }
        if (prefix < (bytes.length == 4 ? 8 : 7)) {
            throw new IllegalArgumentException(
                    original + " is too broad: networks up to /8 (IPv4) or /7 (IPv6) only");
        }
        byte[] masked = mask(bytes, prefix);
        String canonical;
        try {
            canonical = InetAddress.getByAddress(masked).getHostAddress();
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
        return new EgressRule(
                Kind.NETWORK,
                prefix == max ? canonical : canonical + "/" + prefix,
                port,
                masked,
                prefix);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] out = address.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] = (byte) (out[i] & (0xff << (8 - bits)));
        }
        return out;
    }

    /**
     * The destination in canonical form: a network as {@code address/prefix}, a name lower-case.
     */
    public String destination() {
        return destination;
    }

    /** The one port this entry allows, or null for every port. */
    public Integer port() {
        return port;
    }

    /** True if this entry names the host (a normalized name: lower case, no trailing dot). */
    public boolean coversName(String host, int port) {
        if (!portMatches(port)) {
            return false;
        }
        return switch (kind) {
            case HOST -> destination.equals(host);
            case SUBDOMAINS -> host.endsWith(destination.substring(1));
            case NETWORK -> false;
        };
    }

    /** True if this entry is a network holding the address. */
    public boolean coversAddress(InetAddress address, int port) {
        if (kind != Kind.NETWORK || !portMatches(port)) {
            return false;
        }
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        return java.util.Arrays.equals(mask(a, prefix), network);
    }

    private boolean portMatches(int p) {
        return port == null || port == p;
    }

    /** The configuration form, {@code destination[:port]}. */
    @Override
    public String toString() {
        if (port == null) {
            return destination;
        }
        return (kind == Kind.NETWORK && network.length == 16
                        ? "[" + destination + "]"
                        : destination)
                + ":"
                + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EgressRule r
                && r.destination.equals(destination)
                && Objects.equals(r.port, port);
    }

    @Override
    public int hashCode() {
        return Objects.hash(destination, port);
    }
}
