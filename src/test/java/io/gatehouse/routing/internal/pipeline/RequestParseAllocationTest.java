package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.provider.BodyScan;
import io.gatehouse.routing.internal.provider.BodyScanEquivalenceTest;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.RequestBodyText;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * An allocation probe, not a timed test: the bytes the current thread allocates to read a realistic
 * chat body (the parse, the whole-body and storability checks, the forwarded-bytes scan, the chat
 * validation and the typed model) over many calls, read from {@code
 * com.sun.management.ThreadMXBean#getThreadAllocatedBytes}. Printed per call for docs/benchmarks.md
 * ("Issue 16, round 2: cuts"); the bound asserted is on bytes, never on time.
 */
class RequestParseAllocationTest {
    static final String BODY =
            """
            {"model":"gpt-4o-mini","messages":[{"role":"system","content":"You are a helpful \
            assistant. Answer briefly and cite sources when you can."},{"role":"user","content":\
            "What is the capital of France, and what is it known for? Please give me three facts \
            about its history."},{"role":"assistant","content":"Paris. It is known for the Eiffel \
            Tower, the Louvre and its cafés."},{"role":"user","content":"Tell me more about the \
            Louvre."}],"temperature":0.7,"max_tokens":256,"stream":false,"user":"bench-user-1"}""";

    static final int CALLS = 100_000;

    /**
     * One request's parse and checks, as {@code GatewayService} and {@code ChatOperation} run them.
     */
    static Object once(ChatOperation chat, String text) {
        GatewayRequests.Body b = GatewayRequests.read(text);
        b.requireStorable();
        return chat.read(b);
    }

    static long bytesPerCall(String text, int calls) {
        ChatOperation chat = new ChatOperation();
        return bytesPerCall(() -> once(chat, text), calls);
    }

    static long bytesPerCall(Supplier<Object> step, int calls) {
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // without the JVM's per-thread allocation counter the figure would be 0 and pass any bound
        assertThat(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled())
                .as("this JVM counts the bytes each thread allocates")
                .isTrue();
        long tid = Thread.currentThread().getId();
        Object sink = null;
        for (int i = 0; i < calls / 5; i++) { // warm-up: let the JIT settle (escape analysis)
            sink = step.get();
        }
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < calls; i++) {
            sink = step.get();
        }
        long after = mx.getThreadAllocatedBytes(tid);
        assertThat(sink).isNotNull();
        return (after - before) / calls;
    }

    @Test
    void aChatBodyIsParsedAndCheckedWithinItsByteBudget() {
        long perCall = bytesPerCall(BODY, CALLS);
        System.out.println(
                "RequestParseAllocationTest: "
                        + BODY.length()
                        + "-char chat body, "
                        + perCall
                        + " bytes allocated per parse+checks");
        assertThat(perCall).isPositive().isLessThan(BOUND);
    }

    /** Where the bytes go, step by step (printed only: the shares for docs/benchmarks.md). */
    @Test
    void theStepsOneByOne() {
        JsonObject json = GatewayRequests.read(BODY).json();
        Map<String, Supplier<Object>> steps = new LinkedHashMap<>();
        byte[] sent = BODY.getBytes(StandardCharsets.UTF_8);
        HttpServletRequest request = request(sent.length);
        steps.put(
                "RESTEasy's String reader (ProviderHelper.readString)",
                () -> readStringAsResteasyDoes(new ByteArrayInputStream(sent)));
        steps.put(
                "RequestBodyText.read",
                () -> RequestBodyText.read(request, new ByteArrayInputStream(sent)));
        steps.put(
                "former checks: JsonInput.scan + ClientBytes.scan",
                () -> {
                    JsonInput.scan(BODY);
                    return BodyScanEquivalenceTest.formerScan(BODY);
                });
        steps.put("BodyScan.scan", () -> BodyScan.scan(BODY));
        steps.put("JsonInput.readObject", () -> JsonInput.readObject(BODY));
        steps.put(
                "GatewayRequests.validateChat",
                () -> {
                    GatewayRequests.validateChat(json);
                    return json;
                });
        steps.put("OpenAiChat.parse", () -> OpenAiChat.parse(json));
        steps.forEach(
                (name, step) ->
                        System.out.println(
                                "RequestParseAllocationTest: "
                                        + name
                                        + " "
                                        + bytesPerCall(step, CALLS / 2)
                                        + " bytes per call"));
    }

    /**
     * What RESTEasy's reader of a {@code String} parameter does (resteasy-common 1.0.111 in Open
     * Liberty 26.0.0.3, {@code ProviderHelper.readString}, read from its bytecode): a 1 KiB buffer
     * into a growing {@code ByteArrayOutputStream}, its copy, then the String's decode.
     */
    static String readStringAsResteasyDoes(InputStream in) {
        try {
            byte[] buffer = new byte[1024];
            ByteArrayOutputStream builder = new ByteArrayOutputStream();
            int wasRead;
            do {
                wasRead = in.read(buffer, 0, 1024);
                if (wasRead > 0) {
                    builder.write(buffer, 0, wasRead);
                }
            } while (wasRead > -1);
            return new String(builder.toByteArray(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static HttpServletRequest request(long contentLength) {
        return (HttpServletRequest)
                Proxy.newProxyInstance(
                        RequestParseAllocationTest.class.getClassLoader(),
                        new Class<?>[] {HttpServletRequest.class},
                        (proxy, method, args) ->
                                method.getName().equals("getContentLengthLong")
                                        ? (Object) contentLength
                                        : null);
    }

    // below the 10,464 bytes of the three passes it replaced (issue 16, round 2); 8,004 measured
    static final long BOUND = 9_500;
}
