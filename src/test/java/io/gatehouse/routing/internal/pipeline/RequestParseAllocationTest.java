package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.provider.BodyScan;
import io.gatehouse.routing.internal.provider.OpenAiChat;
import io.gatehouse.shared.JsonInput;
import jakarta.json.JsonObject;
import java.lang.management.ManagementFactory;
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
        assertThat(perCall).isLessThan(BOUND);
    }

    /** Where the bytes go, step by step (printed only: the shares for docs/benchmarks.md). */
    @Test
    void theStepsOneByOne() {
        JsonObject json = GatewayRequests.read(BODY).json();
        Map<String, Supplier<Object>> steps = new LinkedHashMap<>();
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

    static final long BOUND = 1_000_000;
}
