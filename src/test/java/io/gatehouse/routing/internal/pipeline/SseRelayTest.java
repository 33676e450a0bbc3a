package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * However a relayed stream ends, the call is recorded exactly once and the provider stream and its
 * concurrency permit are given back: the audit and settlement of a stream depend on it, and a lost
 * permit shrinks the provider's bulkhead for good.
 */
class SseRelayTest {
    private int records;
    private boolean streamClosed;

    private SseRelay relay(Supplier<StreamFilter> filter) {
        SseRelay relay = new SseRelay();
        relay.stages =
                new Stages() {
                    @Override
                    List<StreamFilter> streamFilters(GatewayExchange ex) {
                        return List.of(filter.get());
                    }
                };
        relay.record =
                new CallRecord() {
                    @Override
                    void close(Call call) {
                        if (!call.recorded) {
                            call.recorded = true;
                            records++;
                        }
                    }
                };
        return relay;
    }

    private static StreamFilter passing() {
        return new StreamFilter() {
            @Override
            public String onChunk(String text) {
                return text;
            }

            @Override
            public String onEnd() {
                return "";
            }
        };
    }

    private static StreamFilter overflowing() {
        return new StreamFilter() {
            @Override
            public String onChunk(String text) {
                throw new StackOverflowError("a filter's runaway pattern");
            }

            @Override
            public String onEnd() {
                return "";
            }
        };
    }

    private static JsonObject chunk(String text) {
        return Json.createObjectBuilder()
                .add("id", "c1")
                .add("object", "chat.completion.chunk")
                .add("model", "m-p")
                .add(
                        "choices",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("index", 0)
                                                .add(
                                                        "delta",
                                                        Json.createObjectBuilder()
                                                                .add("content", text))))
                .build();
    }

    private Call call(Candidate candidate) {
        Call call =
                new Call(
                        new ClientKey(UUID.randomUUID(), "gh_x", TestCatalog.TENANT, Set.of()),
                        "req_relay",
                        null,
                        "chat");
        call.candidate = candidate;
        call.streamed = true;
        call.exchange =
                new GatewayExchange(
                        TestCatalog.TENANT,
                        "k",
                        "req_relay",
                        "chat",
                        "m",
                        null,
                        List.of(new ChatMessage("user", "hi", false)),
                        Map.of());
        return call;
    }

    private Failover.Outcome<SseRelay.Opened> opened(Candidate candidate, ProviderHealth health) {
        assertThat(health.tryEnter()).isTrue();
        ProviderStream stream =
                new ProviderStream() {
                    @Override
                    public Optional<JsonObject> next() {
                        return Optional.empty();
                    }

                    @Override
                    public void close() {
                        streamClosed = true;
                    }
                };
        return new Failover.Outcome<>(
                new SseRelay.Opened(stream, Optional.of(chunk("hello")), Span.getInvalid()),
                candidate,
                5,
                List.of(),
                health,
                true);
    }

    @Test
    void aStreamThatEndsNormallyIsRecordedOnceAndGivesBackItsPermit() throws Exception {
        Candidate candidate = TestCatalog.candidate(TestCatalog.provider("p"), 1, 0);
        ProviderHealth health = new ProviderHealth("v1", 1, 3, 30_000, System::currentTimeMillis);
        Call call = call(candidate);
        ByteArrayOutputStream os = new ByteArrayOutputStream();

        relay(SseRelayTest::passing).relay(os, call, opened(candidate, health), false, 10);

        assertThat(os.toString(StandardCharsets.UTF_8)).contains("hello").contains("[DONE]");
        assertThat(call.status).isEqualTo(200);
        assertThat(records).isEqualTo(1);
        assertThat(streamClosed).isTrue();
        assertThat(health.inFlight()).isZero();
    }

    @Test
    void anErrorInAFilterStillRecordsTheCallOnceClosesTheStreamAndGivesBackThePermit() {
        Candidate candidate = TestCatalog.candidate(TestCatalog.provider("p"), 1, 0);
        ProviderHealth health = new ProviderHealth("v1", 1, 3, 30_000, System::currentTimeMillis);
        Call call = call(candidate);
        ByteArrayOutputStream os = new ByteArrayOutputStream();

        assertThatThrownBy(
                        () ->
                                relay(SseRelayTest::overflowing)
                                        .relay(os, call, opened(candidate, health), false, 10))
                .isInstanceOf(StackOverflowError.class);

        assertThat(records).as("the call's one record").isEqualTo(1);
        assertThat(call.status).isEqualTo(500);
        assertThat(call.errorCode).isEqualTo("internal_error");
        assertThat(call.inputTokens).as("usage estimated for the record").isEqualTo(10);
        assertThat(streamClosed).as("the provider call is cancelled").isTrue();
        assertThat(health.inFlight()).as("the bulkhead permit is given back").isZero();
        assertThat(os.toString(StandardCharsets.UTF_8)).doesNotContain("[DONE]");
    }

    /**
     * The request-end safety net (issue 16): a stream the container never writes (the client gone
     * before the headers) is still recorded once, and its provider stream and permit are given
     * back, when the request ends.
     */
    @Test
    void aStreamTheContainerNeverWritesIsRecordedAndGivesBackItsPermitAtTheRequestsEnd() {
        Candidate candidate = TestCatalog.candidate(TestCatalog.provider("p"), 1, 0);
        ProviderHealth health = new ProviderHealth("v1", 1, 3, 30_000, System::currentTimeMillis);
        Call call = call(candidate);
        SseRelay relay = relay(SseRelayTest::passing);
        UnwrittenStreams requestEnd = new UnwrittenStreams();
        relay.unwritten = requestEnd;

        relay.answer(call, opened(candidate, health), false, 10); // handed over, never written
        assertThat(records).isZero();
        assertThat(health.inFlight()).isEqualTo(1);

        requestEnd.requestEnded();
        assertThat(records).as("the call's one record").isEqualTo(1);
        assertThat(call.status).isEqualTo(499);
        assertThat(call.errorCode).isEqualTo("stream_not_written");
        assertThat(call.inputTokens).as("input estimated for the settlement").isEqualTo(10);
        assertThat(call.estimated).isTrue();
        assertThat(streamClosed).as("the provider call is cancelled").isTrue();
        assertThat(health.inFlight()).as("the bulkhead permit is given back").isZero();

        requestEnd.requestEnded();
        assertThat(records).isEqualTo(1);
        assertThat(health.inFlight()).as("given back once").isZero();
    }

    /** A stream the container wrote is left alone at the request's end, and relays only once. */
    @Test
    void aWrittenStreamIsLeftAloneAtTheRequestsEnd() throws Exception {
        Candidate candidate = TestCatalog.candidate(TestCatalog.provider("p"), 1, 0);
        ProviderHealth health = new ProviderHealth("v1", 1, 3, 30_000, System::currentTimeMillis);
        Call call = call(candidate);
        SseRelay relay = relay(SseRelayTest::passing);
        UnwrittenStreams requestEnd = new UnwrittenStreams();
        relay.unwritten = requestEnd;
        ByteArrayOutputStream os = new ByteArrayOutputStream();

        var answer = relay.answer(call, opened(candidate, health), false, 10);
        answer.write(os);
        requestEnd.requestEnded();

        assertThat(os.toString(StandardCharsets.UTF_8)).contains("hello").contains("[DONE]");
        assertThat(call.status).isEqualTo(200);
        assertThat(records).isEqualTo(1);
        assertThat(health.inFlight()).isZero();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        answer.write(again);
        assertThat(again.size()).as("relayed once").isZero();
        assertThat(health.inFlight()).isZero();
    }
}
