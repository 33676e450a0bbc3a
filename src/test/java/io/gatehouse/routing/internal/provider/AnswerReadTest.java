package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.testing.AllocationProbe;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Reading a provider's answer ({@code HttpTransport.readAnswer}): the bytes are the same whatever
 * the announced length says, and with a {@code Content-Length} the read allocates the answer once
 * (an allocation probe counting bytes, never time).
 */
class AnswerReadTest {
    static final byte[] ANSWER =
            ("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
                            + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
                            + "\"content\":\"Hello there, how can I help you today? I am a"
                            + " stand-in answer of a typical length for the benchmark.\"},"
                            + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":12,"
                            + "\"completion_tokens\":20,\"total_tokens\":32}}")
                    .getBytes(StandardCharsets.UTF_8);

    @Test
    void theAnswerIsReadWholeWithOrWithoutItsLength() throws IOException {
        String len = String.valueOf(ANSWER.length);
        assertThat(HttpTransport.readAnswer(new ByteArrayInputStream(ANSWER), len))
                .isEqualTo(ANSWER);
        assertThat(HttpTransport.readAnswer(new ByteArrayInputStream(ANSWER), null))
                .isEqualTo(ANSWER);
        assertThat(HttpTransport.readAnswer(new ByteArrayInputStream(ANSWER), " x "))
                .isEqualTo(ANSWER);
        assertThat(
                        HttpTransport.readAnswer(
                                new ByteArrayInputStream(ANSWER),
                                String.valueOf(HttpTransport.PRESIZED_ANSWER_MAX + 1L)))
                .isEqualTo(ANSWER);
        // more than announced (Http1Client stops at the length; another stream may not): all kept
        assertThat(HttpTransport.readAnswer(new ByteArrayInputStream(ANSWER), "10"))
                .isEqualTo(ANSWER);
        assertThat(HttpTransport.readAnswer(new ByteArrayInputStream(new byte[0]), "0")).isEmpty();
    }

    @Test
    void anAnswerShorterThanItsLengthIsACutConnection() {
        assertThatThrownBy(
                        () ->
                                HttpTransport.readAnswer(
                                        new ByteArrayInputStream(ANSWER),
                                        String.valueOf(ANSWER.length + 5)))
                .isInstanceOf(EOFException.class);
    }

    @Test
    void withItsLengthTheAnswerIsAllocatedOnceAndDecodedOnce() throws Exception {
        String len = String.valueOf(ANSWER.length);
        Replay in = new Replay(ANSWER);
        int runs = 100_000;
        long before =
                bytesPerCall(
                        runs,
                        () -> {
                            in.rewind();
                            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        });
        long after =
                bytesPerCall(
                        runs,
                        () -> {
                            in.rewind();
                            return new String(
                                    HttpTransport.readAnswer(in, len), StandardCharsets.UTF_8);
                        });
        System.out.printf(
                "answer of %d bytes, bytes allocated per read and decode: readAllBytes %d,"
                        + " readAnswer with Content-Length %d%n",
                ANSWER.length, before, after);
        // the array of the answer, the String's own copy and the String: no 8 KiB read buffer
        assertThat(after).isLessThanOrEqualTo(2L * ANSWER.length + 128);
    }

    interface Read {
        Object run() throws IOException;
    }

    static long bytesPerCall(int runs, Read r) throws Exception {
        return AllocationProbe.bytesPerCall(runs, r::run);
    }

    /** One answer read again and again without allocating a stream per read. */
    static final class Replay extends InputStream {
        private final byte[] data;
        private int pos;

        Replay(byte[] data) {
            this.data = data;
        }

        void rewind() {
            pos = 0;
        }

        @Override
        public int read() {
            return pos < data.length ? data[pos++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - pos);
            System.arraycopy(data, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    /**
     * An announced length is not reserved ahead of the bytes (review of round 2): a provider that
     * announces a large answer and sends little makes Gatehouse hold the first buffer only, and a
     * long answer in small reads arrives whole.
     */
    @Test
    void anAnnouncedLengthGrowsWithTheBytesThatCome() throws Exception {
        byte[] big = new byte[3 * HttpTransport.FIRST_ANSWER_BUFFER + 5];
        java.util.Arrays.fill(big, (byte) 'a');
        InputStream trickle =
                new ByteArrayInputStream(big) {
                    @Override
                    public synchronized int read(byte[] b, int off, int len) {
                        return super.read(b, off, Math.min(len, 1500));
                    }
                };
        assertThat(HttpTransport.readAnswer(trickle, String.valueOf(big.length))).isEqualTo(big);

        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled())
                .as("this JVM counts the bytes each thread allocates")
                .isTrue();
        long id = Thread.currentThread().getId();
        long start = mx.getThreadAllocatedBytes(id);
        assertThatThrownBy(
                        () ->
                                HttpTransport.readAnswer(
                                        new ByteArrayInputStream(new byte[10]),
                                        String.valueOf(HttpTransport.PRESIZED_ANSWER_MAX)))
                .isInstanceOf(EOFException.class);
        assertThat(mx.getThreadAllocatedBytes(id) - start)
                .as("bytes held for a 1 MiB announcement that sent 10")
                .isLessThan(HttpTransport.PRESIZED_ANSWER_MAX / 4);
    }
}
