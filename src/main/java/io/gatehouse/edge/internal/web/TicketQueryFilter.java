package io.gatehouse.edge.internal.web;

import io.gatehouse.shared.TicketCredentials;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Takes a ticket credential ({@code ?ticket=}) out of the URL before anything records it: the value
 * goes to a request attribute ({@link TicketCredentials#TICKET_ATTRIBUTE}) for the {@link
 * AuthenticationFilter}, and the rest of the request (the server span's {@code url.query}, which
 * mpTelemetry's HTTP filter reads after the application's declared filters, JAX-RS, any log) sees
 * {@code ticket=REDACTED}. The access log never carries the query (server.xml, {@code %U}).
 */
@WebFilter(filterName = "ticketQuery", urlPatterns = "/*", asyncSupported = true)
public class TicketQueryFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        Taken taken = take(req.getQueryString());
        if (taken == null) {
            chain.doFilter(req, res);
            return;
        }
        req.setAttribute(TicketCredentials.TICKET_ATTRIBUTE, taken.ticket());
        chain.doFilter(new Redacted(req, taken.query()), res);
    }

    /** The ticket found in a query, and the query with every ticket value redacted. */
    record Taken(String ticket, String query) {}

    /** Null when the query carries no ticket parameter; the first one's value otherwise. */
    static Taken take(String query) {
        if (query == null
                || !query.contains(TicketCredentials.PARAMETER) && query.indexOf('%') < 0) {
            return null; // the common case, without parsing
        }
        String ticket = null;
        StringBuilder out = new StringBuilder(query.length());
        for (String pair : query.split("&", -1)) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            if (out.length() > 0) {
                out.append('&');
            }
            if (name.equals(TicketCredentials.PARAMETER)) {
                if (ticket == null) {
                    ticket = eq < 0 ? "" : decode(pair.substring(eq + 1));
                }
                out.append(TicketCredentials.PARAMETER)
                        .append('=')
                        .append(TicketCredentials.REDACTED);
            } else {
                out.append(pair);
            }
        }
        return ticket == null ? null : new Taken(ticket, out.toString());
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // a malformed escape: taken as it is (no ticket has one)
        }
    }

    /** The request as everything after this filter sees it: its ticket redacted. */
    static final class Redacted extends HttpServletRequestWrapper {
        private final String query;

        Redacted(HttpServletRequest req, String query) {
            super(req);
            this.query = query;
        }

        @Override
        public String getQueryString() {
            return query;
        }

        @Override
        public String getParameter(String name) {
            return TicketCredentials.PARAMETER.equals(name)
                    ? TicketCredentials.REDACTED
                    : super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            return TicketCredentials.PARAMETER.equals(name)
                    ? new String[] {TicketCredentials.REDACTED}
                    : super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            Map<String, String[]> m = new LinkedHashMap<>(super.getParameterMap());
            m.replace(TicketCredentials.PARAMETER, new String[] {TicketCredentials.REDACTED});
            return Collections.unmodifiableMap(m);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(getParameterMap().keySet());
        }
    }
}
