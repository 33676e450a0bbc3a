package io.gatehouse.edge.internal;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The address of the client behind a request. It is the TCP peer, unless the peer is one of the
 * configured trusted proxies ({@code GATEHOUSE_TRUSTED_PROXIES}): then it is the right-most address
 * of {@code X-Forwarded-For} that is not itself a trusted proxy. A client can write anything into
 * that header, but only the part a trusted proxy appended is believed.
 */
@ApplicationScoped
public class ClientAddresses {
    private static final Logger LOG = Logger.getLogger(ClientAddresses.class.getName());
    private static final Pattern IPV4 =
            Pattern.compile(
                    "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /** Comma-separated addresses or CIDR networks of reverse proxies in front of Gatehouse. */
    @Inject
    @ConfigProperty(name = "gatehouse.trusted.proxies")
    Optional<String> trustedProxiesText;

    private List<Cidr> trusted = List.of();

    @PostConstruct
    void init() {
        trusted = parse(trustedProxiesText.orElse(""));
    }

    /** Created at start, so that a bad proxy list fails the start rather than the first request. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        LOG.info(
                () ->
                        "Trusted proxies: "
                                + (trusted.isEmpty()
                                        ? "none (X-Forwarded-For is ignored)"
                                        : trustedProxiesText.get()));
    }

    static List<Cidr> parse(String text) {
        List<Cidr> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                out.add(Cidr.parse(part)); // a typo fails the start rather than trusting nothing
                // silently
            }
        }
        return List.copyOf(out);
    }

    public static final String FORWARDED_FOR = "X-Forwarded-For";

    /**
     * The client's address for a peer and the request's {@code X-Forwarded-For} header values (or
     * null).
     */
    public String of(String peer, List<String> forwardedFor) {
        if (trusted.isEmpty()) {
            return peer; // the usual case, on every gateway request: nothing to parse
        }
        List<String> hops = new ArrayList<>();
        if (forwardedFor != null) {
            for (String value : forwardedFor) {
                for (String h : value.split(",")) {
                    hops.add(h.trim());
                }
            }
        }
        return resolve(peer, hops, trusted);
    }

    static String resolve(String peer, List<String> forwardedFor, List<Cidr> trusted) {
        String client = canonical(peer).orElse(peer == null ? "" : peer);
        if (!isTrusted(client, trusted)) {
            return client;
        }
        for (int i = forwardedFor.size() - 1; i >= 0; i--) {
            Optional<String> hop = canonical(forwardedFor.get(i));
            if (hop.isEmpty()) {
                return client; // garbage: believe nothing further left
            }
            client = hop.get();
            if (!isTrusted(client, trusted)) {
                return client;
            }
        }
        return client;
    }

    private static boolean isTrusted(String ip, List<Cidr> trusted) {
        for (Cidr c : trusted) {
            if (c.contains(ip)) {
                return true;
            }
        }
        return false;
    }

    /** The canonical text of an IP literal; empty for anything else (never a DNS lookup). */
    static Optional<String> canonical(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        int zone = t.indexOf('%');
        if (zone >= 0) {
            t = t.substring(0, zone);
        }
        if (!IPV4.matcher(t).matches() && !IPV6.matcher(t).matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(t).getHostAddress());
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    /**
     * The key lock-outs are counted under: the address itself for IPv4, its /64 network for IPv6
     * (one subscriber usually holds a whole /64, so single IPv6 addresses are free to an attacker).
     */
    public static String lockoutKey(String client) {
        try {
            if (canonical(client).isEmpty()) {
                return client;
            }
            byte[] a = InetAddress.getByName(client).getAddress();
            if (a.length == 4) {
                return InetAddress.getByAddress(a).getHostAddress();
            }
            byte[] net = new byte[16];
            System.arraycopy(a, 0, net, 0, 8);
            return InetAddress.getByAddress(net).getHostAddress() + "/64";
        } catch (UnknownHostException e) {
            return client;
        }
    }
}
