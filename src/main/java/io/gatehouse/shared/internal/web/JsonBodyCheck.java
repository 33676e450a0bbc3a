package io.gatehouse.shared.internal.web;

import io.gatehouse.shared.ChecksOwnJsonBody;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonException;
import jakarta.json.JsonValue;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Applies {@link JsonInput}'s limits to every request body before any reader (JSON-B, JSON-P, a
 * {@code String} parameter) sees it: nesting deeper than {@link JsonInput#MAX_DEPTH} and strings
 * PostgreSQL cannot store answer 400 in the API's own error shape instead of a 500 from a parser's
 * stack or a refused insert, and so does text after the body's JSON value (400 {@code
 * invalid_json}: the readers behind would use the first value and ignore the rest). Bound to every
 * resource method except those marked {@link ChecksOwnJsonBody}. The body is already limited in
 * size by the edge; it is read once into memory.
 */
@Provider
public class JsonBodyCheck implements DynamicFeature {
    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        if (resource.getResourceMethod() != null
                && !resource.getResourceMethod().isAnnotationPresent(ChecksOwnJsonBody.class)) {
            context.register(new Check());
        }
    }

    /** The check itself, on the raw bytes of the body. */
    public static final class Check implements ReaderInterceptor {
        @Override
        public Object aroundReadFrom(ReaderInterceptorContext ctx) throws IOException {
            byte[] body = ctx.getInputStream().readAllBytes();
            check(body);
            ctx.setInputStream(new ByteArrayInputStream(body));
            return ctx.proceed();
        }
    }

    static void check(byte[] body) {
        if (body.length == 0) {
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        // JSON has no raw NUL; UTF-16/32 bodies have them in every ASCII character (RFC 8259:
        // UTF-8)
        if (text.indexOf('\0') >= 0) {
            throw new ValidationException(
                    "unsupported_character",
                    null,
                    "The request body must be UTF-8 JSON without NUL bytes");
        }
        boolean suspect = JsonInput.scan(text);
        JsonValue parsed;
        try {
            parsed = JsonInput.readWhole(text);
        } catch (JsonInput.TrailingText trailing) {
            // every reader here (JSON-B, JSON-P, JsonBodies) would take the first value and
            // silently ignore the rest
            throw new ValidationException(
                    "invalid_json",
                    null,
                    "The request body must be one JSON value with nothing after it");
        } catch (JsonException malformed) {
            return; // the endpoint's own reader answers 400 invalid JSON
        }
        if (suspect) {
            JsonInput.requireStorable(parsed);
        }
    }
}
