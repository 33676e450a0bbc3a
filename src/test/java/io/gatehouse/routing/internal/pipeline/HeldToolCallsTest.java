package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.Candidate;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.routing.internal.provider.ProviderStream;
import io.gatehouse.routing.internal.resilience.Failover;
import io.gatehouse.routing.internal.resilience.ProviderHealth;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import io.opentelemetry.api.trace.Span;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Streamed tool calls under a filter that checks them: the relay holds a call's argument fragments
 * until the choice finishes, hands the complete call to the filter, sends what it returns as one
 * delta, and a filter's refusal ends the stream with its own code; the audit event counts the calls
 * by name.
 */
class HeldToolCallsTest {
    private final List<ChatMessage.ToolCall> seen = new ArrayList<>();

    private StreamFilter checking(boolean deny) {
        return new StreamFilter() {
            @Override
            public String onChunk(String text) {
                return text;
            }

            @Override
            public String onEnd() {
                return "";
            }

            @Override
            public boolean checksToolCalls() {
                return true;
            }

            @Override
            public ChatMessage.ToolCall onToolCall(ChatMessage.ToolCall call) {
                seen.add(call);
                if (deny) {
                    throw new GatehouseException(403, "forbidden_tool", "No shell");
                }
                return call.withArguments(call.arguments().replace("secret", "[SECRET]"));
            }
        };
    }

    private static JsonObject chunk(JsonObjectBuilder delta, String finish) {
        JsonObjectBuilder choice = Json.createObjectBuilder().add("index", 0).add("delta", delta);
        if (finish == null) {
            choice.addNull("finish_reason");
        } else {
            choice.add("finish_reason", finish);
        }
        return Json.createObjectBuilder()
                .add("id", "c1")
                .add("object", "chat.completion.chunk")
                .add("model", "m-p")
                .add("choices", Json.createArrayBuilder().add(choice))
                .build();
    }

    private static JsonObjectBuilder toolDelta(int index, String id, String name, String args) {
        JsonObjectBuilder fn = Json.createObjectBuilder().add("arguments", args);
        JsonObjectBuilder tc = Json.createObjectBuilder().add("index", index);
        if (id != null) {
            tc.add("id", id).add("type", "function");
            fn.add("name", name);
        }
        return Json.createObjectBuilder()
                .add("tool_calls", Json.createArrayBuilder().add(tc.add("function", fn)));
    }

    private String relay(StreamFilter filter, Call call) throws Exception {
        return relay(
                filter,
                call,
                List.of(
                        chunk(Json.createObjectBuilder().add("role", "assistant"), null),
                        chunk(toolDelta(0, "call_1", "run_shell", "{\"cmd\":\"echo "), null),
                        chunk(toolDelta(0, null, null, "secret\"}"), null),
                        chunk(Json.createObjectBuilder(), "tool_calls")));
    }

    private String relay(StreamFilter filter, Call call, List<JsonObject> chunks) throws Exception {
        return relay(filter, call, chunks, HeldToolCalls.MAX_CHARS_PER_CHOICE);
    }

    private String relay(StreamFilter filter, Call call, List<JsonObject> chunks, int maxChars)
            throws Exception {
        Iterator<JsonObject> rest = chunks.subList(1, chunks.size()).iterator();
        ProviderStream stream =
                new ProviderStream() {
                    @Override
                    public Optional<JsonObject> next() {
                        return rest.hasNext() ? Optional.of(rest.next()) : Optional.empty();
                    }

                    @Override
                    public void close() {}
                };
        ProviderHealth health = new ProviderHealth("v1", 1, 3, 30_000, System::currentTimeMillis);
        assertThat(health.tryEnter()).isTrue();
        Failover.Outcome<SseRelay.Opened> out =
                new Failover.Outcome<>(
                        new SseRelay.Opened(stream, Optional.of(chunks.get(0)), Span.getInvalid()),
                        call.candidate,
                        5,
                        List.of(),
                        health,
                        true);
        SseRelay relay = new SseRelay();
        relay.heldToolCallMaxChars = maxChars;
        relay.stages =
                new Stages() {
                    @Override
                    List<StreamFilter> streamFilters(GatewayExchange ex) {
                        return List.of(filter);
                    }
                };
        relay.record =
                new CallRecord() {
                    @Override
                    void close(Call c) {
                        c.recorded = true;
                    }
                };
        ByteArrayOutputStream os = new ByteArrayOutputStream();
        relay.relay(os, call, out, false, 10);
        return os.toString(StandardCharsets.UTF_8);
    }

    private static Call call() {
        Candidate candidate = TestCatalog.candidate(TestCatalog.provider("p"), 1, 0);
        Call call =
                new Call(
                        new ClientKey(UUID.randomUUID(), "gh_x", TestCatalog.TENANT, Set.of()),
                        "req_tools",
                        null,
                        "chat");
        call.candidate = candidate;
        call.streamed = true;
        call.exchange =
                new GatewayExchange(
                        TestCatalog.TENANT,
                        "k",
                        "req_tools",
                        "chat",
                        "m",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
        return call;
    }

    @Test
    void aCallIsHeldUntilCompleteCheckedWholeAndSentAsOneDelta() throws Exception {
        Call call = call();
        String sse = relay(checking(false), call);

        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).arguments()).isEqualTo("{\"cmd\":\"echo secret\"}");
        assertThat(seen.get(0).name()).isEqualTo("run_shell");
        assertThat(seen.get(0).id()).isEqualTo("call_1");
        assertThat(sse)
                .as("no fragment before the check, the checked call in one delta")
                .doesNotContain("echo secret")
                .contains("echo [SECRET]")
                .contains("\"tool_calls\":[{\"id\":\"call_1\"")
                .contains("\"index\":0")
                .contains("\"finish_reason\":\"tool_calls\"")
                .contains("[DONE]");
        assertThat(sse.indexOf("echo [SECRET]"))
                .as("the call comes before the finishing chunk")
                .isLessThan(sse.indexOf("\"finish_reason\":\"tool_calls\""));
        assertThat(call.status).isEqualTo(200);
        assertThat(call.exchange.auditDetails().get("tools.called"))
                .isEqualTo(Map.of("run_shell", 1L));
    }

    @Test
    void aFiltersRefusalEndsTheStreamWithItsCodeAndNothingOfTheCall() throws Exception {
        Call call = call();
        String sse = relay(checking(true), call);

        assertThat(sse).doesNotContain("echo").doesNotContain("[DONE]").contains("forbidden_tool");
        assertThat(call.status).isEqualTo(403);
        assertThat(call.errorCode).isEqualTo("forbidden_tool");
    }

    /** A fragment of call {@code index} that repeats its name (as a provider may). */
    private static JsonObjectBuilder named(int index, String name, String args) {
        return Json.createObjectBuilder()
                .add(
                        "tool_calls",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("index", index)
                                                .add(
                                                        "function",
                                                        Json.createObjectBuilder()
                                                                .add("name", name)
                                                                .add("arguments", args))));
    }

    @Test
    void aHeldCallBeyondTheLimitsEndsTheStreamWithToolCallTooLarge() throws Exception {
        String big = "x".repeat(HeldToolCalls.MAX_CHARS_PER_CHOICE);
        List<List<JsonObject>> streams =
                List.of(
                        List.of(
                                chunk(toolDelta(0, "call_1", "run_shell", "{\"a\":\""), null),
                                chunk(toolDelta(0, null, null, big), null),
                                chunk(toolDelta(0, null, null, "\"}"), null),
                                chunk(Json.createObjectBuilder(), "tool_calls")),
                        List.of(
                                chunk(
                                        toolDelta(
                                                HeldToolCalls.MAX_CALLS_PER_CHOICE, "c", "f", "{}"),
                                        null),
                                chunk(Json.createObjectBuilder(), "tool_calls")),
                        List.of(
                                chunk(toolDelta(-1, "c", "f", "{}"), null),
                                chunk(Json.createObjectBuilder(), "tool_calls")));
        for (List<JsonObject> chunks : streams) {
            seen.clear();
            Call call = call();
            List<JsonObject> all = new ArrayList<>();
            all.add(chunk(Json.createObjectBuilder().add("role", "assistant"), null));
            all.addAll(chunks);
            String sse = relay(checking(false), call, all);
            assertThat(sse).contains("tool_call_too_large").doesNotContain("[DONE]");
            assertThat(seen).as("nothing reached the filters").isEmpty();
            assertThat(call.status).isEqualTo(502);
            assertThat(call.errorCode).isEqualTo("tool_call_too_large");
        }
    }

    /**
     * The held size is configurable ({@code gatehouse.gateway.held-tool-call-max-chars}): coding
     * agents' file writes may need more than the default, a small gateway less.
     */
    @Test
    void theHeldSizeLimitIsConfigurable() throws Exception {
        List<JsonObject> chunks =
                List.of(
                        chunk(Json.createObjectBuilder().add("role", "assistant"), null),
                        chunk(toolDelta(0, "call_1", "run_shell", "{\"cmd\":\"echo "), null),
                        chunk(toolDelta(0, null, null, "secret\"}"), null),
                        chunk(Json.createObjectBuilder(), "tool_calls"));
        Call small = call();
        assertThat(relay(checking(false), small, chunks, 20))
                .contains("tool_call_too_large")
                .doesNotContain("echo");
        assertThat(small.status).isEqualTo(502);
        Call enough = call();
        assertThat(relay(checking(false), enough, chunks, 64)).contains("echo [SECRET]");
        assertThat(enough.status).isEqualTo(200);
    }

    @Test
    void eachCallIsCountedOnceUnderItsJoinedNameHeldOrNot() throws Exception {
        List<JsonObject> chunks =
                List.of(
                        chunk(Json.createObjectBuilder().add("role", "assistant"), null),
                        chunk(toolDelta(0, "call_1", "run_", "{\"cmd\":"), null),
                        chunk(named(0, "shell", "\"ls\""), null),
                        chunk(named(0, "", "}"), null),
                        chunk(Json.createObjectBuilder(), "tool_calls"));
        Call held = call();
        relay(checking(false), held, chunks);
        assertThat(seen).hasSize(1);
        assertThat(seen.get(0).name()).as("name fragments joined").isEqualTo("run_shell");
        assertThat(held.exchange.auditDetails().get("tools.called"))
                .isEqualTo(Map.of("run_shell", 1L));

        StreamFilter unchecked =
                new StreamFilter() {
                    @Override
                    public String onChunk(String text) {
                        return text;
                    }

                    @Override
                    public String onEnd() {
                        return "";
                    }
                };
        List<JsonObject> repeated =
                List.of(
                        chunk(Json.createObjectBuilder().add("role", "assistant"), null),
                        chunk(toolDelta(0, "call_1", "fetch", "{"), null),
                        chunk(named(0, "fetch", "\"u\":1"), null),
                        chunk(named(0, "fetch", "}"), null),
                        chunk(toolDelta(1, "call_2", "fetch", "{}"), null),
                        chunk(Json.createObjectBuilder(), "tool_calls"));
        Call passed = call();
        relay(unchecked, passed, repeated);
        assertThat(passed.exchange.auditDetails().get("tools.called"))
                .as("two calls, however many fragments name them")
                .isEqualTo(Map.of("fetch", 2L));
    }

    @Test
    void toolsCalledHoldsValidNamesOnlyAndABoundedNumberOfThem() {
        GatewayExchange ex = call().exchange;
        ToolTraffic.called(ex, "ok_name-1");
        ToolTraffic.called(ex, "has space");
        ToolTraffic.called(ex, "x".repeat(65));
        ToolTraffic.called(ex, "ghp_" + "a".repeat(36) + "\n{}");
        for (int i = 0; i < 200; i++) {
            ToolTraffic.called(ex, "t" + i);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> called = (Map<String, Object>) ex.auditDetails().get("tools.called");
        assertThat(called).containsEntry("ok_name-1", 1L).containsEntry("_invalid", 3L);
        assertThat(called).hasSize(ToolTraffic.MAX_NAMES + 1);
        assertThat(called.get("_other")).isEqualTo(200L - (ToolTraffic.MAX_NAMES - 2));
    }
}
