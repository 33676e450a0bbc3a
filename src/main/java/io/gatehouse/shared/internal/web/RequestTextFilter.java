package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.StorableText;
import io.gatehouse.shared.error.ValidationException;
import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.Provider;
import java.util.List;
import java.util.Map;

/**
 * Refuses (400 {@code unsupported_character}) a request whose decoded path, query parameters or
 * header values hold U+0000 or an unpaired surrogate: such text would reach lookups and storage
 * that PostgreSQL refuses (a 500, or an audit write that fails). Runs after authentication, so an
 * anonymous caller still gets its 401 (audited with the path escaped, see {@code StorableText}).
 * Cheap: the path and headers are short, the query is decoded only when there is one.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION + 100)
public class RequestTextFilter implements ContainerRequestFilter {
    @Override
    public void filter(ContainerRequestContext ctx) {
        if (!StorableText.isStorable(ctx.getUriInfo().getPath())) {
            throw refused(null, "The request path");
        }
        if (ctx.getUriInfo().getRequestUri().getRawQuery() != null) {
            check(ctx.getUriInfo().getQueryParameters(), "query parameter ");
        }
        check(ctx.getHeaders(), "header ");
    }

    private static void check(MultivaluedMap<String, String> values, String what) {
        for (Map.Entry<String, List<String>> e : values.entrySet()) {
            if (!StorableText.isStorable(e.getKey())) {
                throw refused(null, "A " + what + "name");
            }
            for (String v : e.getValue()) {
                if (!StorableText.isStorable(v)) {
                    throw refused(e.getKey(), "The " + what + e.getKey());
                }
            }
        }
    }

    private static ValidationException refused(String param, String subject) {
        return new ValidationException(
                "unsupported_character",
                param,
                subject
                        + " contains U+0000 or an unpaired UTF-16 surrogate, which Gatehouse cannot store");
    }
}
