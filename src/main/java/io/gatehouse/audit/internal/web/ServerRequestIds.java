package io.gatehouse.audit.internal.web;

import io.gatehouse.shared.RequestIds;
import jakarta.servlet.http.HttpServletRequest;

/** The server's id of the request being served, for the audit module's own events. */
final class ServerRequestIds {
    private ServerRequestIds() {}

    static String of(HttpServletRequest request) {
        Object id = request == null ? null : request.getAttribute(RequestIds.ATTRIBUTE);
        return id == null ? null : id.toString();
    }
}
