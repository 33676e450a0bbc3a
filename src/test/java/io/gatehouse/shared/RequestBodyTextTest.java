package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.error.BadRequestException;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The hot resources' body: bytes read once, decoded once, with the edge's limit passing through.
 */
class RequestBodyTextTest {
    static HttpServletRequest request(long contentLength, String encoding) {
        return (HttpServletRequest)
                Proxy.newProxyInstance(
                        RequestBodyTextTest.class.getClassLoader(),
                        new Class<?>[] {HttpServletRequest.class},
                        (proxy, method, args) ->
                                switch (method.getName()) {
                                    case "getContentLengthLong" -> contentLength;
                                    case "getCharacterEncoding" -> encoding;
                                    default ->
                                            throw new UnsupportedOperationException(
                                                    method.getName());
                                });
    }

    static InputStream in(byte[] b) {
        return new ByteArrayInputStream(b);
    }

    @Test
    void aDeclaredLengthIsReadIntoOneArrayAndDecodedAsUtf8() {
        byte[] b = "{\"model\":\"m\",\"c\":\"é😀\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBodyText.read(request(b.length, null), in(b)))
                .isEqualTo("{\"model\":\"m\",\"c\":\"é😀\"}");
    }

    @Test
    void aChunkedBodyIsReadToItsEnd() {
        byte[] b = "x".repeat(100_000).getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBodyText.read(request(-1, null), in(b))).hasSize(100_000);
    }

    @Test
    void aShorterBodyThanDeclaredIsWhatCame() {
        assertThat(RequestBodyText.read(request(10, null), in("{}".getBytes()))).isEqualTo("{}");
        assertThat(RequestBodyText.read(request(0, null), in(new byte[0]))).isEmpty();
        assertThat(RequestBodyText.read(request(-1, null), null)).isEmpty();
    }

    @Test
    void theContentTypesCharsetIsUsedAndAnUnknownOneFallsBackToUtf8() {
        byte[] latin = "\"é\"".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(RequestBodyText.read(request(latin.length, "ISO-8859-1"), in(latin)))
                .isEqualTo("\"é\"");
        byte[] utf8 = "\"é\"".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBodyText.read(request(utf8.length, "no-such-charset"), in(utf8)))
                .isEqualTo("\"é\"");
        assertThat(RequestBodyText.read(request(2, null), in(new byte[] {(byte) 0xC3, '"'})))
                .as("malformed UTF-8 becomes U+FFFD, as with the String reader")
                .isEqualTo("\uFFFD\"");
    }

    @Test
    void theEdgesLimitPassesThroughAndABrokenReadIsTheClients() {
        GatehouseException tooLarge = new GatehouseException(413, "request_too_large", "too large");
        InputStream limited =
                new InputStream() {
                    @Override
                    public int read() {
                        throw tooLarge;
                    }
                };
        assertThatThrownBy(() -> RequestBodyText.read(request(-1, null), limited))
                .isSameAs(tooLarge);
        InputStream broken =
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("connection reset");
                    }
                };
        assertThatThrownBy(() -> RequestBodyText.read(request(5, null), broken))
                .isInstanceOf(BadRequestException.class)
                .hasMessageContaining("could not be read");
    }

    /**
     * A declared length above the first buffer is read as the bytes come (review of round 2: the
     * declared size was reserved before any byte arrived), and a body that ends early is what came.
     */
    @Test
    void aLargeDeclaredLengthGrowsWithTheBytesThatArrive() throws IOException {
        byte[] big =
                "x".repeat(3 * RequestBodyText.FIRST_BUFFER + 17).getBytes(StandardCharsets.UTF_8);
        InputStream trickle =
                new ByteArrayInputStream(big) {
                    @Override
                    public synchronized int read(byte[] b, int off, int len) {
                        return super.read(
                                b, off, Math.min(len, 1000)); // small reads, as a socket gives
                    }
                };
        assertThat(RequestBodyText.read(request(big.length, null), trickle)).hasSize(big.length);
        byte[] few = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(RequestBodyText.read(request(4L * 1024 * 1024, null), in(few)))
                .isEqualTo("{\"a\":1}");
    }

    @Test
    void theContainersOwnTextNeverReachesTheAnswer() {
        InputStream broken =
                new InputStream() {
                    @Override
                    public int read() throws IOException {
                        throw new IOException("internal socket detail 10.0.0.7:9443");
                    }
                };
        assertThatThrownBy(() -> RequestBodyText.read(request(5, null), broken))
                .isInstanceOf(BadRequestException.class)
                .hasMessage("The request body could not be read");
    }
}
