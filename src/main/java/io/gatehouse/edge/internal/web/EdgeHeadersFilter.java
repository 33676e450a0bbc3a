package io.gatehouse.edge.internal.web;

import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.error.ErrorBodies;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Security headers on every answer, the CORS allowlist (for a console served from another origin),
 * and the request body size limit, enforced before anything parses the body.
 */
@WebFilter(filterName = "edgeHeaders", urlPatterns = "/*", asyncSupported = true)
public class EdgeHeadersFilter extends HttpFilter {
    @Inject
    @ConfigProperty(name = "gatehouse.cors.origins")
    Optional<String> corsOrigins;

    @Inject
    @ConfigProperty(name = "gatehouse.request.max.bytes", defaultValue = "4194304")
    long maxBytes;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String path = req.getRequestURI();
        res.setHeader("X-Content-Type-Options", "nosniff");
        res.setHeader("X-Frame-Options", "DENY");
        res.setHeader("Referrer-Policy", "no-referrer");
        if (req.isSecure()) {
            res.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
        }
        boolean console = path.startsWith("/console");
        if (console) {
            res.setHeader(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
        } else if (path.startsWith("/api/") || path.startsWith("/v1/") || path.equals("/mcp")) {
            res.setHeader("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
            res.setHeader("Cache-Control", "no-store");
        }
        String origin = req.getHeader("Origin");
        if (origin != null && allowedOrigins().contains(origin)) {
            res.setHeader("Access-Control-Allow-Origin", origin);
            res.setHeader("Vary", "Origin");
            res.setHeader(
                    "Access-Control-Expose-Headers",
                    "X-Request-Id, X-Client-Request-Id, Retry-After, x-gatehouse-route, x-gatehouse-provider, x-gatehouse-model");
            if ("OPTIONS".equals(req.getMethod())
                    && req.getHeader("Access-Control-Request-Method") != null) {
                res.setHeader("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE");
                res.setHeader(
                        "Access-Control-Allow-Headers",
                        "Authorization, Content-Type, X-Request-Id");
                res.setHeader("Access-Control-Max-Age", "600");
                res.setStatus(204);
                return;
            }
        }
        long length = req.getContentLengthLong();
        if (length > maxBytes) {
            tooLarge(req, res, path);
            return;
        }
        // Limited even with a declared length: the limit must not rest on the client's own
        // Content-Length being honest under every protocol the container speaks (HTTP/2 included).
        chain.doFilter(hasBody(req) ? new Limited(req, maxBytes) : req, res);
    }

    private static boolean hasBody(HttpServletRequest req) {
        String m = req.getMethod();
        return m.equals("POST") || m.equals("PUT") || m.equals("PATCH");
    }

    private List<String> allowedOrigins() {
        return corsOrigins
                .map(
                        s ->
                                Arrays.stream(s.split(","))
                                        .map(String::trim)
                                        .filter(x -> !x.isEmpty())
                                        .toList())
                .orElse(List.of());
    }

    private void tooLarge(HttpServletRequest req, HttpServletResponse res, String path)
            throws IOException {
        ErrorBodies.write(
                res,
                path,
                413,
                "request_too_large",
                "The request body is larger than " + maxBytes + " bytes",
                (String) req.getAttribute(RequestIds.ATTRIBUTE));
    }

    /**
     * A body without Content-Length (chunked) is cut off once it passes the limit. The refusal is
     * unchecked, so that whichever reader meets it (JSON-B, JSON-P, a String parameter) lets it
     * through to the error mapper as 413 {@code request_too_large}: as an I/O error it was a 500.
     */
    static final class Limited extends HttpServletRequestWrapper {
        private final long max;

        Limited(HttpServletRequest req, long max) {
            super(req);
            this.max = max;
        }

        private GatehouseException tooLarge() {
            return new GatehouseException(
                    413, "request_too_large", "The request body is larger than " + max + " bytes");
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > max) {
                        throw tooLarge();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = in.read(buf, off, len);
                    if (n > 0 && (read += n) > max) {
                        throw tooLarge();
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener l) {
                    in.setReadListener(l);
                }
            };
        }
    }
}
