package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.error.ErrorBodies;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;

/** The JAX-RS response around an {@link ErrorBodies} body, for the exception mapper. */
final class ErrorResponses {
    static final MediaType PROBLEM_JSON = new MediaType("application", "problem+json");

    private ErrorResponses() {}

    static Response build(
            String path,
            int status,
            String code,
            String message,
            String param,
            String requestId,
            Map<String, String> headers) {
        return build(
                path,
                status,
                code,
                message,
                param,
                requestId,
                headers,
                jakarta.json.JsonValue.EMPTY_JSON_OBJECT);
    }

    /** With problem JSON extension members (left out of the OpenAI and Anthropic shapes). */
    static Response build(
            String path,
            int status,
            String code,
            String message,
            String param,
            String requestId,
            Map<String, String> headers,
            jakarta.json.JsonObject extensions) {
        Response.ResponseBuilder rb =
                ErrorBodies.isAnthropicPath(path)
                        ? Response.status(status)
                                .type(MediaType.APPLICATION_JSON_TYPE)
                                .header(ErrorBodies.ERROR_CODE_HEADER, code)
                                .entity(ErrorBodies.anthropic(status, message))
                        : ErrorBodies.isOpenAiPath(path)
                                ? Response.status(status)
                                        .type(MediaType.APPLICATION_JSON_TYPE)
                                        .entity(ErrorBodies.openAi(status, code, message, param))
                                : Response.status(status)
                                        .type(PROBLEM_JSON)
                                        .entity(
                                                ErrorBodies.problem(
                                                        path,
                                                        status,
                                                        code,
                                                        message,
                                                        param,
                                                        requestId,
                                                        extensions));
        headers.forEach(rb::header);
        return rb.build();
    }
}
