package io.gatehouse.shared.internal.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves the review console (static files under {@code /console/} in the WAR). The JAX-RS
 * application is mapped at {@code /}, which would otherwise answer every path, so this filter
 * answers {@code /console/*} itself and never passes it on: the files, index.html for the app's own
 * addresses (it routes in the browser), a redirect from {@code /console}, ETags and cache headers.
 */
@WebFilter(filterName = "console", urlPatterns = "/console/*", asyncSupported = true)
public class ConsoleFilter extends HttpFilter {
    /** The WAR's files do not change while it runs: read and hash each once. */
    private final Map<String, Asset> cache = new ConcurrentHashMap<>();

    private record Asset(byte[] bytes, String etag) {}

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        // The edge filter sets these too, but the order of annotated filters is not defined.
        res.setHeader("Content-Security-Policy", ConsoleAssets.CSP);
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        String method = req.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            res.setHeader("Allow", "GET, HEAD");
            plain(res, 405, "Method not allowed");
            return;
        }
        ConsoleAssets.Target target = ConsoleAssets.resolve(path, n -> exists(n));
        if (target instanceof ConsoleAssets.Redirect r) {
            String q = req.getQueryString();
            res.setStatus(301);
            res.setHeader(
                    "Location", req.getContextPath() + r.location() + (q == null ? "" : "?" + q));
            return;
        }
        if (!(target instanceof ConsoleAssets.File f)) {
            plain(res, 404, "Not found");
            return;
        }
        Asset asset = load(f.name());
        if (asset == null) {
            plain(res, 404, f.fallback() ? "The console is not part of this build" : "Not found");
            return;
        }
        res.setHeader("Cache-Control", ConsoleAssets.cacheControl(f.name()));
        res.setHeader("ETag", asset.etag());
        String inm = req.getHeader("If-None-Match");
        if (inm != null && (inm.equals(asset.etag()) || inm.equals("*"))) {
            res.setStatus(304);
            return;
        }
        res.setStatus(200);
        res.setContentType(ConsoleAssets.contentType(f.name()));
        res.setContentLength(asset.bytes().length);
        if (method.equals("GET")) {
            res.getOutputStream().write(asset.bytes());
        }
    }

    private boolean exists(String name) {
        try {
            return cache.containsKey(name)
                    || getServletContext().getResource(ConsoleAssets.ROOT + name) != null;
        } catch (MalformedURLException e) {
            return false;
        }
    }

    private Asset load(String name) throws IOException {
        Asset a = cache.get(name);
        if (a != null) {
            return a;
        }
        try (InputStream in = getServletContext().getResourceAsStream(ConsoleAssets.ROOT + name)) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            a = new Asset(bytes, "\"" + HexFormat.of().formatHex(sha256(bytes), 0, 16) + "\"");
        }
        cache.put(name, a);
        return a;
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void plain(HttpServletResponse res, int status, String text) throws IOException {
        res.setStatus(status);
        res.setHeader("Cache-Control", "no-store");
        res.setContentType("text/plain; charset=utf-8");
        res.getWriter().write(text);
    }
}
