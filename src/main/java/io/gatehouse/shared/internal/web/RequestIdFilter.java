package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.RequestIds;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Gives every request a fresh server id before anything else runs, and keeps a safe client {@code
 * X-Request-Id} apart as the client's id (echoed in {@code X-Client-Request-Id}); see {@link
 * RequestIds}.
 */
@WebFilter(filterName = "requestId", urlPatterns = "/*", asyncSupported = true)
public class RequestIdFilter extends HttpFilter {
    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        String id = RequestIds.generate();
        String clientId = RequestIds.acceptClientId(req.getHeader(RequestIds.HEADER));
        req.setAttribute(RequestIds.ATTRIBUTE, id);
        res.setHeader(RequestIds.HEADER, id);
        if (clientId != null) {
            req.setAttribute(RequestIds.CLIENT_ATTRIBUTE, clientId);
            res.setHeader(RequestIds.CLIENT_HEADER, clientId);
        }
        RequestIds.enter(id, clientId);
        try {
            chain.doFilter(req, res);
        } finally {
            RequestIds.leave();
        }
    }
}
