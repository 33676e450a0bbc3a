package io.gatehouse.routing.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.ContentRetentionRules.Bodies;
import io.gatehouse.audit.chain.CanonicalJson;
import io.gatehouse.audit.chain.ChainHash;
import io.gatehouse.edge.ClientKey;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.ChatRequest;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.testing.AllocationProbe;
import jakarta.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A gateway request's bodies as its audit event gets them (docs/audit.md, "Content retention"): the
 * full form, the redacted rule (the full form when nothing was redacted, the stages' messages when
 * the policy redacted, none after a refusal), nothing under {@code none}; and the bytes they cost.
 */
class CallContentTest {
    static Call call(Bodies bodies, List<ChatMessage> messages, String answer) {
        Call call =
                new Call(
                        new ClientKey(UUID.randomUUID(), "gh_x", TestCatalog.TENANT, Set.of()),
                        "req_content",
                        null,
                        "chat");
        call.requestedModel = "sandbox";
        ChatRequest parsed =
                ChatRequest.of("sandbox", messages, Json.createObjectBuilder().add("n", 3).build());
        call.exchange =
                new GatewayExchange(
                        TestCatalog.TENANT, "k", "req_content", "chat", parsed, Map.of());
        call.clientRequest = parsed;
        call.bodies = bodies;
        call.answerText = answer;
        return call;
    }

    static AuditEvent event(Call call) {
        AuditEvent.Builder b = AuditEvent.of(TestCatalog.TENANT, "api_key", "k", "gateway.request");
        CallContent.attach(b, call);
        return b.build();
    }

    static final List<ChatMessage> MAIL =
            List.of(new ChatMessage("user", "mail ann@example.com", false));

    @Test
    void noneBuildsNothing() {
        AuditEvent e = event(call(Bodies.NONE, MAIL, "ok"));
        assertThat(e.content()).isNull();
        assertThat(e.redactedContent()).isNull();
    }

    @Test
    void theFullFormIsTheRequestAsSentAndTheAnswerAsReceived() {
        AuditEvent e = event(call(Bodies.FULL, MAIL, "ok"));
        assertThat(e.content())
                .isEqualTo(
                        Map.of(
                                "model",
                                "sandbox",
                                "messages",
                                List.of(Map.of("role", "user", "content", "mail ann@example.com")),
                                "variables",
                                Map.of("n", 3L),
                                "answer",
                                "ok"));
        assertThat(e.redactedContent()).as("only the redacted mode builds it").isNull();
    }

    @Test
    void theRedactedFormIsTheFullOneWhenNothingWasRedacted() {
        AuditEvent e = event(call(Bodies.REDACTED, MAIL, "ok"));
        assertThat(e.redactedContent()).isSameAs(e.content());
    }

    @Test
    void theRedactedFormIsWhatThePolicyProducedWithoutVariables() {
        Call call = call(Bodies.REDACTED, MAIL, "ok");
        call.exchange.request(
                call.exchange
                        .request()
                        .withMessages(List.of(new ChatMessage("user", "mail [EMAIL]", false))));
        call.exchange.contentRedacted();
        AuditEvent e = event(call);
        assertThat(e.redactedContent())
                .isEqualTo(
                        Map.of(
                                "model",
                                "sandbox",
                                "messages",
                                List.of(Map.of("role", "user", "content", "mail [EMAIL]")),
                                "answer",
                                "ok"));
        assertThat(e.content().toString()).contains("ann@example.com");
    }

    @Test
    void aRefusedRequestHasNoRedactedForm() {
        Call call = call(Bodies.REDACTED, MAIL, null);
        call.exchange.contentWithheld();
        AuditEvent e = event(call);
        assertThat(e.content()).isNotNull();
        assertThat(e.redactedContent()).isNull();
    }

    @Test
    void aStreamKeepsTheTextWritten() {
        Call call = call(Bodies.FULL, MAIL, null);
        call.sentText = new StringBuilder();
        CallContent.sent(
                call,
                Json.createObjectBuilder()
                        .add(
                                "choices",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("index", 0)
                                                        .add(
                                                                "delta",
                                                                Json.createObjectBuilder()
                                                                        .add("content", "Hel"))))
                        .build());
        CallContent.sent(
                call,
                Json.createObjectBuilder()
                        .add(
                                "choices",
                                Json.createArrayBuilder()
                                        .add(
                                                Json.createObjectBuilder()
                                                        .add("index", 0)
                                                        .add(
                                                                "delta",
                                                                Json.createObjectBuilder()
                                                                        .add("content", "lo"))))
                        .build());
        assertThat(((Map<?, ?>) event(call).content()).get("answer")).isEqualTo("Hello");
    }

    /**
     * The bytes a request's bodies cost on the request thread (an allocation probe: bytes, never
     * time), for a 2,000-character conversation and a 1,000-character answer: under {@code none}
     * nothing; under {@code hashed}/{@code full} the content maps, the one canonical JSON string
     * the audit module writes and its SHA-256 (what {@code ChainAppender.Pending.of} does); printed
     * for docs/benchmarks.md.
     */
    @Test
    void theBodiesCostNothingUnderNoneAndOneCanonicalStringOtherwise() throws Exception {
        List<ChatMessage> conversation =
                List.of(
                        new ChatMessage("system", "s".repeat(500), false),
                        new ChatMessage("user", "u".repeat(1500), false));
        String answer = "a".repeat(1000);
        Call none = call(Bodies.NONE, conversation, answer);
        Call full = call(Bodies.FULL, conversation, answer);
        AuditEvent.Builder built = AuditEvent.of(TestCatalog.TENANT, "api_key", "k", "x.y");
        long noneBytes =
                AllocationProbe.bytesPerCall(
                        100_000,
                        () -> {
                            CallContent.attach(built, none);
                            return built;
                        });
        long fullBytes =
                AllocationProbe.bytesPerCall(
                        100_000,
                        () -> {
                            AuditEvent.Builder b =
                                    AuditEvent.of(TestCatalog.TENANT, "api_key", "k", "x.y");
                            CallContent.attach(b, full);
                            Object c = b.build().content();
                            return ChainHash.sha256Hex(CanonicalJson.write(c));
                        });
        System.out.printf(
                "content probe: none %d bytes, full/hashed %d bytes per request (3,000 chars of"
                        + " bodies)%n",
                noneBytes, fullBytes);
        assertThat(noneBytes).as("none builds nothing").isLessThanOrEqualTo(64);
        // the canonical string (~3 KB as UTF-16 in a builder, then the string and its UTF-8 bytes
        // for the hash) dominates; a second copy of the bodies would add ~6 KB more
        assertThat(fullBytes).isLessThanOrEqualTo(18_000); // 15,440 measured
    }
}
