package io.gatehouse.shared;

import io.gatehouse.shared.error.BadRequestException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;

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
    private static final Logger LOG = Logger.getLogger(RequestBodyText.class.getName());

    /**
     * The first buffer for a declared length; it doubles up to the declared length as bytes come.
     */
    static final int FIRST_BUFFER = 64 * 1024;

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
                // Sized by the declared length, but never reserved ahead of the bytes that arrived:
                // a client announcing the limit and trickling bytes must not hold that much memory.
                int limit = (int) declared;
                bytes = new byte[Math.min(limit, FIRST_BUFFER)];
                length = 0;
                int r;
                while (length < limit) {
                    if (length == bytes.length) {
                        bytes = Arrays.copyOf(bytes, (int) Math.min(limit, 2L * bytes.length));
                    }
                    r = in.read(bytes, length, bytes.length - length);
                    if (r <= 0) {
                        break;
                    }
                    length += r;
                }
            } else {
                bytes = in.readAllBytes();
                length = bytes.length;
            }
            return new String(bytes, 0, length, charset(request));
        } catch (IOException e) {
            // the client went away or sent a broken chunk: its request, not an internal error; the
            // container's text stays in the log, not in the answer
            LOG.log(Level.FINE, "request body could not be read", e);
            throw new BadRequestException("invalid_request", "The request body could not be read");
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
