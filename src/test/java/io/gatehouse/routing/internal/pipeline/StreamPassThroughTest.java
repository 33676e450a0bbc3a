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
import io.opentelemetry.api.trace.Span;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Stream events in the other direction (issue 16): an event no stream filter changes goes to the
 * client as the provider's bytes; one a filter changes is written from the changed object, so the
 * client never gets the unfiltered text.
 */
class StreamPassThroughTest {
    static final String FIRST =
            "{ \"id\":\"c1\", \"object\":\"chat.completion.chunk\",\"model\":\"m-p\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hello \"}}] }";
    static final String SECOND =
            "{ \"id\":\"c1\", \"object\":\"chat.completion.chunk\",\"model\":\"m-p\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"secret\"}}] }";

    static JsonObject json(String s) {
        try (var r = Json.createReader(new StringReader(s))) {
            return r.readObject();
        }
    }

    /** A filter that replaces "secret" (a redaction, as the policy stage's filter does). */
    static StreamFilter redacting() {
        return new StreamFilter() {
            @Override
            public String onChunk(String text) {
                return text.replace("secret", "[X]");
            }

            @Override
            public String onEnd() {
                return "";
            }
        };
    }

    @Test
    void unchangedEventsPassAsTheProviderSentThemChangedOnesAreRewritten() throws Exception {
        SseRelay relay = new SseRelay();
        relay.stages =
                new Stages() {
                    @Override
                    List<StreamFilter> streamFilters(GatewayExchange ex) {
                        return List.of(redacting());
                    }
                };
        relay.record =
                new CallRecord() {
                    @Override
                    void close(Call call) {
                        call.recorded = true;
                    }
                };
        Candidate candidate = TestCatalog.candidate(TestCatalog.provider("p"), 1, 0);
        ProviderHealth health = new ProviderHealth("v1", 1, 3, 30_000, System::currentTimeMillis);
        assertThat(health.tryEnter()).isTrue();
        JsonObject first = json(FIRST);
        Deque<String> rest = new ArrayDeque<>(List.of(SECOND));
        ProviderStream stream =
                new ProviderStream() {
                    JsonObject last = first;
                    String lastRaw = FIRST;

                    @Override
                    public Optional<JsonObject> next() {
                        if (rest.isEmpty()) {
                            return Optional.empty();
                        }
                        lastRaw = rest.poll();
                        last = json(lastRaw);
                        return Optional.of(last);
                    }

                    @Override
                    public String raw(JsonObject chunk) {
                        return chunk == last ? lastRaw : null;
                    }

                    @Override
                    public void close() {}
                };
        Call call =
                new Call(
                        new ClientKey(UUID.randomUUID(), "k", TestCatalog.TENANT, Set.of()),
                        "req_pass",
                        null,
                        "chat");
        call.candidate = candidate;
        call.streamed = true;
        call.exchange =
                new GatewayExchange(
                        TestCatalog.TENANT,
                        "k",
                        "req_pass",
                        "chat",
                        "m",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
        ByteArrayOutputStream os = new ByteArrayOutputStream();

        relay.relay(
                os,
                call,
                new Failover.Outcome<>(
                        new SseRelay.Opened(stream, Optional.of(first), Span.getInvalid()),
                        candidate,
                        5,
                        List.of(),
                        health,
                        true),
                false,
                10);

        String out = os.toString(StandardCharsets.UTF_8);
        assertThat(out).contains("data: " + FIRST + "\n\n");
        assertThat(out).doesNotContain(SECOND).doesNotContain("secret").contains("[X]");
        assertThat(out).contains("[DONE]");
    }
}
