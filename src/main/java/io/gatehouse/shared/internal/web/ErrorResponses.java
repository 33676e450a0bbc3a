package io.gatehouse.shared.internal.web;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/**
 * Builds the two error shapes Gatehouse speaks: OpenAI's error object on {@code /v1} (what SDKs
 * parse) and RFC 9457 problem JSON everywhere else.
 */
final class ErrorResponses {
    static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    private ErrorResponses() {}

    static boolean isOpenAiPath(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.equals("v1") || p.startsWith("v1/");
    }

    static Response build(
            String path,
            int status,
            String code,
            String message,
            String param,
            String requestId,
            Map<String, String> headers) {
        Response.ResponseBuilder rb;
        if (isOpenAiPath(path)) {
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
            rb =
                    Response.status(status)
                            .type(MediaType.APPLICATION_JSON_TYPE)
                            .entity(
                                    Json.createObjectBuilder()
                                            .add("error", err)
                                            .build()
                                            .toString());
        } else {
            JsonObjectBuilder problem =
                    Json.createObjectBuilder()
                            .add("type", "urn:gatehouse:problem:" + code)
                            .add("title", title(status))
                            .add("status", status)
                            .add("detail", message)
                            .add("code", code)
                            .add(
                                    "instance",
                                    "/" + (path.startsWith("/") ? path.substring(1) : path));
            if (param != null) {
                problem.add("param", param);
            }
            if (requestId != null) {
                problem.add("requestId", requestId);
            }
            rb = Response.status(status).type(PROBLEM_JSON).entity(problem.build().toString());
        }
        headers.forEach(rb::header);
        return rb.build();
    }

    static String openAiType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "invalid_request_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }

    static String title(int status) {
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
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> status >= 500 ? "Internal Server Error" : "Error";
        };
    }
}
