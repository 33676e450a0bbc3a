package io.gatehouse.edge.internal.web;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.edge.UsageLimits;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.CurrentCaller;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * Every {@code /v1} answer to an authenticated key carries the {@code x-ratelimit-*} headers: the
 * gateway sets them from its admission; answers that consumed nothing (models, usage, refusals
 * before admission) get the current state here.
 */
@Provider
public class RateLimitHeadersFilter implements ContainerResponseFilter {
    @Inject CurrentCaller current;
    @Inject UsageLimits limits;

    @Override
    public void filter(ContainerRequestContext req, ContainerResponseContext res) {
        String path = req.getUriInfo().getPath();
        if (!(path.startsWith("v1/") || path.startsWith("/v1/"))
                || res.getHeaders().containsKey("x-ratelimit-limit-requests")) {
            return;
        }
        current.get()
                .filter(Caller::isApiKey)
                .map(ClientKey::of)
                .ifPresent(
                        k -> {
                            try {
                                for (Map.Entry<String, String> h :
                                        limits.currentHeaders(k).entrySet()) {
                                    res.getHeaders().putSingle(h.getKey(), h.getValue());
                                }
                            } catch (RuntimeException e) {
                                // headers are informational here; the request's own outcome stands
                            }
                        });
    }
}
