package io.gatehouse.shared;

import io.gatehouse.shared.error.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

/**
 * A request body read as bytes once and decoded once (issue 16, round 2), for the hot JAX-RS
 * methods that take the body as an {@code InputStream}: a {@code String} parameter goes through
 * RESTEasy's reader, which decodes through an {@code InputStreamReader} (its own 8 KiB buffer) into
 * a growing {@code StringBuilder}, several copies of the body per request.
 *
 * <p>The body limit is the edge's, as before: a declared {@code Content-Length} above it was
 * refused before the resource, and a body without one reads through the edge's limited stream,
 * whose 413 passes through this method unchanged. Decoded with the charset the {@code Content-Type}
 * names, UTF-8 otherwise (as RESTEasy's String reader does); malformed bytes become U+FFFD, as
 * there.
 */
public final class RequestBodyText {
    private RequestBodyText() {}

    /** The whole body as text; empty when there is none. */
    public static String read(HttpServletRequest request, InputStream in) {
        if (in == null) {
            return "";
        }
        try {
            long declared = request.getContentLengthLong();
            byte[] bytes;
            int length;
            if (declared >= 0 && declared < Integer.MAX_VALUE - 8) {
                bytes = new byte[(int) declared];
                length = 0;
                int r;
                while (length < bytes.length
                        && (r = in.read(bytes, length, bytes.length - length)) > 0) {
                    length += r;
                }
            } else {
                bytes = in.readAllBytes();
                length = bytes.length;
            }
            return new String(bytes, 0, length, charset(request));
        } catch (IOException e) {
            // the client went away or sent a broken chunk: its request, not an internal error
            throw new BadRequestException(
                    "invalid_request", "The request body could not be read: " + e.getMessage());
        }
    }

    private static Charset charset(HttpServletRequest request) {
        String name = request.getCharacterEncoding();
        if (name == null) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return StandardCharsets.UTF_8;
        }
    }
}
