package io.gatehouse.shared.error;

import io.gatehouse.shared.RequestPaths;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The one home of the error shapes Gatehouse speaks: OpenAI's error object on {@code /v1} (what
 * SDKs parse, also sent as the last event of a failed stream), Anthropic's error object on {@code
 * /v1/messages} (the Messages dialect, issue 17) and RFC 9457 problem JSON everywhere else. The
 * exception mapper, the servlet filters that answer before JAX-RS (body limit, drain) and the
 * gateway's stream relay all build their bodies here, so the {@code type} an SDK sees for a status
 * is the same whichever layer refused the request.
 */
public final class ErrorBodies {
    public static final String PROBLEM_JSON = "application/problem+json";

    /** Carries Gatehouse's error code where the error shape has no field for it (Anthropic's). */
    public static final String ERROR_CODE_HEADER = "x-gatehouse-error-code";

    private ErrorBodies() {}

    /**
     * Whether {@code path} (with or without its leading slash, read canonically: {@link
     * RequestPaths}) is on the OpenAI-compatible API.
     */
    public static boolean isOpenAiPath(String path) {
        return RequestPaths.isV1(path);
    }

    /**
     * Whether {@code path} is on the Anthropic Messages dialect ({@code /v1/messages} and below),
     * whose errors are Anthropic's shape.
     */
    public static boolean isAnthropicPath(String path) {
        String p = RequestPaths.canonical(path);
        return p.equals("v1/messages") || p.startsWith("v1/messages/");
    }

    /**
     * Anthropic's error: {@code {"type":"error","error":{"type","message"}}}, the type by status
     * ({@link #anthropicType}); Gatehouse's own code goes in the {@code x-gatehouse-error-code}
     * header, since the shape has no field for it.
     */
    public static String anthropic(int status, String message) {
        return Json.createObjectBuilder()
                .add("type", "error")
                .add(
                        "error",
                        Json.createObjectBuilder()
                                .add("type", anthropicType(status))
                                .add("message", message))
                .build()
                .toString();
    }

    /** Anthropic's error {@code type} for an HTTP status. */
    public static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** {@code {"error":{"message","type","param","code"}}}; {@code param} may be null. */
    public static String openAi(int status, String code, String message, String param) {
        JsonObjectBuilder err =
                Json.createObjectBuilder()
                        .add("message", message)
                        .add("type", openAiType(status))
                        .add("code", code);
        if (param == null) {
            err.addNull("param");
        } else {
            err.add("param", param);
        }
        return Json.createObjectBuilder().add("error", err).build().toString();
    }

    /**
     * Problem JSON: {@code type} {@code urn:gatehouse:problem:<code>}, title, status, detail, code,
     * instance (the path), and {@code param} / {@code requestId} when known.
     */
    public static String problem(
            String path, int status, String code, String message, String param, String requestId) {
        return problem(
                path,
                status,
                code,
                message,
                param,
                requestId,
                jakarta.json.JsonValue.EMPTY_JSON_OBJECT);
    }

    /** Problem JSON with extension members, which never replace a standard member. */
    public static String problem(
            String path,
            int status,
            String code,
            String message,
            String param,
            String requestId,
            jakarta.json.JsonObject extensions) {
        JsonObjectBuilder problem =
                Json.createObjectBuilder()
                        .add("type", "urn:gatehouse:problem:" + code)
                        .add("title", title(status))
                        .add("status", status)
                        .add("detail", message)
                        .add("code", code)
                        .add("instance", "/" + (path.startsWith("/") ? path.substring(1) : path));
        if (param != null) {
            problem.add("param", param);
        }
        if (requestId != null) {
            problem.add("requestId", requestId);
        }
        java.util.Set<String> standard =
                java.util.Set.of(
                        "type",
                        "title",
                        "status",
                        "detail",
                        "code",
                        "instance",
                        "param",
                        "requestId");
        extensions.forEach(
                (k, v) -> {
                    if (!standard.contains(k)) {
                        problem.add(k, v);
                    }
                });
        return problem.build().toString();
    }

    /**
     * Writes the error in the shape of {@code path}'s API, for servlet filters that answer before
     * JAX-RS runs (the exception mapper is not reached from there).
     */
    public static void write(
            HttpServletResponse res,
            String path,
            int status,
            String code,
            String message,
            String requestId)
            throws IOException {
        res.setStatus(status);
        String body;
        if (isAnthropicPath(path)) {
            res.setContentType("application/json;charset=UTF-8");
            res.setHeader(ERROR_CODE_HEADER, code);
            body = anthropic(status, message);
        } else if (isOpenAiPath(path)) {
            res.setContentType("application/json;charset=UTF-8");
            body = openAi(status, code, message, null);
        } else {
            res.setContentType(PROBLEM_JSON + ";charset=UTF-8");
            body = problem(path, status, code, message, null, requestId);
        }
        res.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }

    /** OpenAI's error {@code type} for an HTTP status. */
    public static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    /** The problem's title for an HTTP status. */
    public static String title(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 406 -> "Not Acceptable";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 415 -> "Unsupported Media Type";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            case 499 -> "Client Closed Request";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
