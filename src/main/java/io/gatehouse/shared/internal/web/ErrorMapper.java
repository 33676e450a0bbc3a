package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.RequestIds;
import io.gatehouse.shared.error.ErrorBodies;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.JsonException;
import jakarta.json.bind.JsonbException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single place where exceptions become HTTP answers. Clients get a structured error with a
 * stable code and the request id; stack traces go to the log only.
 */
@Provider
public class ErrorMapper implements ExceptionMapper<Throwable> {
    private static final Logger LOG = Logger.getLogger(ErrorMapper.class.getName());

    @Context UriInfo uriInfo;
    @Context HttpServletRequest request;

    @Override
    public Response toResponse(Throwable ex) {
        String path = uriInfo == null ? "" : uriInfo.getPath();
        String requestId =
                request == null ? null : (String) request.getAttribute(RequestIds.ATTRIBUTE);
        // an entity reader or interceptor's refusal may arrive wrapped by the JAX-RS runtime
        GatehouseException ge = gatehouseCause(ex);
        if (ge != null) {
            return ErrorResponses.build(
                    path,
                    ge.status(),
                    ge.code(),
                    ge.getMessage(),
                    ge.param(),
                    requestId,
                    ge.headers(),
                    ge.extensions());
        }
        if (ex instanceof ConstraintViolationException cve) {
            ConstraintViolation<?> first =
                    cve.getConstraintViolations().stream().findFirst().orElse(null);
            String param = first == null ? null : lastNode(first.getPropertyPath().toString());
            String msg = first == null ? "Invalid request" : param + ": " + first.getMessage();
            return ErrorResponses.build(
                    path, 400, "invalid_request", msg, param, requestId, Map.of());
        }
        if (databaseUnavailable(ex)) {
            LOG.log(Level.WARNING, "Request " + requestId + ": database unavailable: " + ex);
            return ErrorResponses.build(
                    path,
                    503,
                    "database_unavailable",
                    "The database is unreachable; the request was refused rather than served unaudited",
                    null,
                    requestId,
                    Map.of("Retry-After", "5"));
        }
        Throwable cause = rootJsonCause(ex);
        if (cause != null) {
            return ErrorResponses.build(
                    path,
                    400,
                    "invalid_json",
                    "The request body is not valid JSON for this endpoint",
                    null,
                    requestId,
                    Map.of());
        }
        if (ex instanceof WebApplicationException wae) {
            int status = wae.getResponse().getStatus();
            String code =
                    switch (status) {
                        case 404 -> "not_found";
                        case 405 -> "method_not_allowed";
                        case 406 -> "not_acceptable";
                        case 415 -> "unsupported_media_type";
                        case 401 -> "unauthenticated";
                        case 403 -> "forbidden";
                        default -> status >= 500 ? "internal_error" : "invalid_request";
                    };
            String message =
                    switch (status) {
                        case 404 -> "No such resource: /" + stripSlash(path);
                        case 405 -> "Method not allowed on /" + stripSlash(path);
                        case 415 -> "Unsupported content type; send application/json";
                        default -> status >= 500 ? "Internal error" : safeMessage(wae, status);
                    };
            Map<String, String> headers =
                    ex instanceof NotAllowedException
                                    && wae.getResponse().getHeaderString("Allow") != null
                            ? Map.of("Allow", wae.getResponse().getHeaderString("Allow"))
                            : Map.of();
            if (status >= 500) {
                LOG.log(Level.SEVERE, "Request " + requestId + " failed", ex);
            }
            return ErrorResponses.build(path, status, code, message, null, requestId, headers);
        }
        LOG.log(Level.SEVERE, "Request " + requestId + " failed", ex);
        return ErrorResponses.build(
                path,
                500,
                "internal_error",
                "Internal error; quote request id " + requestId,
                null,
                requestId,
                Map.of());
    }

    private static GatehouseException gatehouseCause(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof GatehouseException ge) {
                return ge;
            }
        }
        return null;
    }

    private static String safeMessage(WebApplicationException wae, int status) {
        if (wae instanceof NotSupportedException) {
            return "Unsupported content type";
        }
        return ErrorBodies.title(status);
    }

    private static Throwable rootJsonCause(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof JsonbException || t instanceof JsonException) {
                return t;
            }
            if (t instanceof ProcessingException && t.getCause() == null) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** Fail closed with 503 (not 500) when the cause is a lost or refused database connection. */
    static boolean databaseUnavailable(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql
                    && sql.getSQLState() != null
                    && sql.getSQLState().startsWith("08")) {
                return true;
            }
        }
        return false;
    }

    private static String lastNode(String propertyPath) {
        int i = propertyPath.lastIndexOf('.');
        return i < 0 ? propertyPath : propertyPath.substring(i + 1);
    }

    private static String stripSlash(String p) {
        return p.startsWith("/") ? p.substring(1) : p;
    }
}
