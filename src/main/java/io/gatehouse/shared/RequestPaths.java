package io.gatehouse.shared;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The canonical form of a request path, as the edge authenticates it and the error shapes are
 * chosen by it: one reading, so that a path written another way ({@code /v1//messages}, {@code
 * /v1/./messages}, {@code /v1/messages;x=y}) is never judged by another path's rules.
 */
public final class RequestPaths {
    private RequestPaths() {}

    /**
     * {@code path} (decoded, with or without its leading slash) without the leading slash, each
     * segment without its matrix parameters ({@code ;x=y}), without empty and {@code .} segments, a
     * {@code ..} removing the segment before it; a trailing slash is kept.
     */
    public static String canonical(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        Deque<String> out = new ArrayDeque<>();
        for (String segment : p.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            String s = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (s.isEmpty() || s.equals(".")) {
                continue;
            }
            if (s.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(s);
            }
        }
        String c = String.join("/", out);
        return p.endsWith("/") && !c.isEmpty() ? c + "/" : c;
    }

    /** Whether {@code path} is already in its canonical form (leading slash aside). */
    public static boolean isCanonical(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return canonical(p).equals(p);
    }

    /**
     * Whether a request path is in canonical form however it was written: {@code decoded} (as
     * JAX-RS decodes it) is canonical and has no backslash, and {@code encoded} (as sent) hides no
     * separator ({@code %2f}, {@code %5c}) that decoding would turn into one. Anything else could
     * be read as another path by a proxy, the container or a resource than the edge reads it.
     */
    public static boolean isCanonicalRequest(String decoded, String encoded) {
        if (decoded.indexOf('\\') >= 0 || !isCanonical(decoded)) {
            return false;
        }
        String e = encoded.toLowerCase(java.util.Locale.ROOT);
        // the encoded form too: a reader that strips matrix parameters before decoding sees them
        return isCanonical(encoded) && !e.contains("%2f") && !e.contains("%5c");
    }

    /** Whether {@code path}, read canonically, is on the {@code /v1} API. */
    public static boolean isV1(String path) {
        String c = canonical(path);
        return c.equals("v1") || c.startsWith("v1/");
    }
}
