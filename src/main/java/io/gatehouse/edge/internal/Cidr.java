package io.gatehouse.edge.internal;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation, e.g. {@code 10.0.0.0/8} or {@code 2001:db8::/32}. */
public record Cidr(byte[] network, int prefix) {

    public static Cidr parse(String text) {
        String t = text.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        if (!addr.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("Not an IP network: " + text);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // literal only: no DNS for [0-9a-f:.]
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("Not an IP network: " + text);
        }
        int max = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Bad prefix length: " + text);
        }
        if (prefix < 0 || prefix > max) {
            throw new IllegalArgumentException("Bad prefix length: " + text);
        }
        return new Cidr(bytes, prefix);
    }

    public boolean contains(String ip) {
        byte[] a;
        try {
            if (ip == null || !ip.matches("[0-9A-Fa-f:.%a-z]+")) {
                return false;
            }
            a =
                    InetAddress.getByName(ip.contains("%") ? ip.substring(0, ip.indexOf('%')) : ip)
                            .getAddress();
        } catch (UnknownHostException e) {
            return false;
        }
        if (a.length == 16 && network.length == 4 && isV4Mapped(a)) {
            byte[] v4 = new byte[4];
            System.arraycopy(a, 12, v4, 0, 4);
            a = v4;
        }
        if (a.length != network.length) {
            return false;
        }
        int bits = a.length * 8;
        BigInteger mask =
                BigInteger.ONE
                        .shiftLeft(bits)
                        .subtract(BigInteger.ONE)
                        .shiftRight(prefix)
                        .not()
                        .and(BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
        return new BigInteger(1, a).and(mask).equals(new BigInteger(1, network).and(mask));
    }

    private static boolean isV4Mapped(byte[] a) {
        for (int i = 0; i < 10; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return (a[10] & 0xff) == 0xff && (a[11] & 0xff) == 0xff;
    }
}
