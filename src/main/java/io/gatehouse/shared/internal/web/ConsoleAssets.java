package io.gatehouse.shared.internal.web;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules for serving the review console's files from {@code /console/} in the WAR: which file a
 * path means, its content type and how long browsers may keep it. Kept apart from the filter so the
 * rules are tested without a server.
 */
final class ConsoleAssets {
    /** Where the build puts the console in the WAR (maven-war-plugin webResources). */
    static final String ROOT = "/console/";

    static final String INDEX = "index.html";

    /**
     * The CSP the edge sets for the console: repeated here because filter order is not guaranteed.
     */
    static final String CSP =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'";

    /** esbuild names bundles app-[hash]: their content never changes under that name. */
    private static final Pattern HASHED = Pattern.compile("app-[A-Z0-9]{8}\\.(js|css)");

    private static final Map<String, String> TYPES =
            Map.ofEntries(
                    Map.entry("html", "text/html; charset=utf-8"),
                    Map.entry("js", "text/javascript; charset=utf-8"),
                    Map.entry("mjs", "text/javascript; charset=utf-8"),
                    Map.entry("css", "text/css; charset=utf-8"),
                    Map.entry("json", "application/json"),
                    Map.entry("map", "application/json"),
                    Map.entry("svg", "image/svg+xml"),
                    Map.entry("png", "image/png"),
                    Map.entry("ico", "image/x-icon"),
                    Map.entry("woff2", "font/woff2"),
                    Map.entry("txt", "text/plain; charset=utf-8"));

    private ConsoleAssets() {}

    /** What a request under /console asks for. */
    sealed interface Target permits Redirect, File, NotFound {}

    /** {@code /console} without the slash: relative URLs need the slash. */
    record Redirect(String location) implements Target {}

    /**
     * A file of the console; {@code fallback} when the path named no file and index.html answers
     * for the app's own addresses (e.g. /console/changes/42).
     */
    record File(String name, boolean fallback) implements Target {}

    record NotFound() implements Target {}

    /**
     * @param path the request path below the context root, still URL-encoded (e.g. {@code
     *     /console/app.js})
     * @param exists whether a file of that name (relative to {@link #ROOT}) is in the WAR
     */
    static Target resolve(String path, java.util.function.Predicate<String> exists) {
        if (path.equals("/console")) {
            return new Redirect(ROOT);
        }
        if (!path.startsWith(ROOT)) {
            return new NotFound();
        }
        Optional<String> name = safeName(path.substring(ROOT.length()));
        if (name.isEmpty()) {
            return new NotFound();
        }
        String n = name.get();
        if (n.isEmpty() || n.endsWith("/")) {
            n = n + INDEX;
            return exists.test(n) ? new File(n, false) : new File(INDEX, true);
        }
        if (exists.test(n)) {
            return new File(n, false);
        }
        // A missing file (it has an extension) is a 404; anything else is one of the app's
        // addresses.
        String last = n.substring(n.lastIndexOf('/') + 1);
        return last.contains(".") ? new NotFound() : new File(INDEX, true);
    }

    /**
     * The decoded relative name, or empty when it could escape the console folder or is malformed.
     */
    static Optional<String> safeName(String encoded) {
        String s;
        try {
            s = URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0 || s.startsWith("/") || s.contains("//")) {
            return Optional.empty();
        }
        for (String seg : s.split("/", -1)) {
            if (seg.equals("..")
                    || seg.equals(".")
                    || seg.startsWith("WEB-INF")
                    || seg.startsWith("META-INF")) {
                return Optional.empty();
            }
        }
        return Optional.of(s);
    }

    static String contentType(String name) {
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    /** Hashed bundles for a year; everything else (index.html above all) revalidated every time. */
    static String cacheControl(String name) {
        String last = name.substring(name.lastIndexOf('/') + 1);
        return HASHED.matcher(last).matches() ? "public, max-age=31536000, immutable" : "no-cache";
    }
}
