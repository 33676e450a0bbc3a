package io.gatehouse.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.ProviderTarget;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every fixture in {@code src/test/resources/policy/fixtures}: its policies, its request (and
 * answer or streamed chunks) through the policy stage, against the expected decision.
 */
class PolicyFixturesTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:15:00Z"), ZoneOffset.UTC);

    static Stream<Arguments> fixtures() throws Exception {
        return PolicyFixtures.files().stream()
                .map(p -> Arguments.of(p.getFileName().toString(), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void fixture(String name, Path file) throws Exception {
        JsonObject f = PolicyFixtures.read(file);
        var policies = PolicyFixtures.policies(f);
        PolicyStage stage = new PolicyStage(t -> policies, CLOCK);
        GatewayExchange ex = PolicyFixtures.exchange(f.getJsonObject("request"));
        JsonObject expect = f.getJsonObject("expect");

        // Every fixture states what it expects, and each expectation is checked: an answer goes
        // with an
        // output expectation, chunks with a stream one, and only an expected input deny may stop
        // the run.
        assertThat(expect.keySet())
                .as("expectations")
                .isNotEmpty()
                .isSubsetOf("input", "output", "stream");
        assertThat(expect.containsKey("output"))
                .as("answer and output expectation")
                .isEqualTo(f.containsKey("answer"));
        assertThat(expect.containsKey("stream"))
                .as("chunks and stream expectation")
                .isEqualTo(f.containsKey("chunks"));
        JsonObject expectIn = expect.getJsonObject("input");
        boolean inputDenied =
                expectIn != null && "deny".equals(expectIn.getString("outcome", null));
        if (inputDenied) {
            assertThat(f.containsKey("answer") || f.containsKey("chunks"))
                    .as("a request denied at input has no answer to check")
                    .isFalse();
        }

        GatehouseException inputError = null;
        try {
            stage.beforeRouting(ex);
        } catch (GatehouseException e) {
            inputError = e;
        }
        if (!inputDenied) {
            assertThat(inputError).as("the input stage lets the request through").isNull();
        }
        Map<String, Object> audit = PolicyStage.audit(ex);
        if (expectIn != null) {
            checkStage(expectIn, inputError, stageAudit(audit, "input"), audit);
            JsonObject in = expectIn;
            if (in.containsKey("messages")) {
                assertThat(ex.messages())
                        .extracting(ChatMessage::text)
                        .containsExactlyElementsOf(strings(in, "messages"));
            }
            if (in.containsKey("classification")) {
                assertThat(ex.classification()).isEqualTo(in.getInt("classification"));
            }
            if (in.containsKey("allowedProviders")) {
                List<String> allowed = new ArrayList<>();
                for (JsonValue v : f.getJsonArray("providers")) {
                    JsonObject p = v.asJsonObject();
                    ProviderTarget t =
                            new ProviderTarget(
                                    p.getString("provider"),
                                    p.getString("model"),
                                    p.getString("region"),
                                    p.getInt("clearance"));
                    if (ex.providerAllowed(t)) {
                        allowed.add(t.provider());
                    }
                }
                assertThat(allowed).containsExactlyElementsOf(strings(in, "allowedProviders"));
            }
            if (in.containsKey("restrictions")) {
                assertThat(ex.providerRestrictions()).hasSize(in.getInt("restrictions"));
            }
            if (in.containsKey("shadowOutcome")) {
                @SuppressWarnings("unchecked")
                Map<String, Object> shadow = (Map<String, Object>) audit.get("shadow");
                assertThat(stageAudit(shadow, "input").get("outcome"))
                        .isEqualTo(in.getString("shadowOutcome"));
            }
        }
        if (f.containsKey("answer")) {
            ex.answerText(f.getString("answer"));
            GatehouseException outputError = null;
            try {
                stage.afterAnswer(ex);
            } catch (GatehouseException e) {
                outputError = e;
            }
            JsonObject out = expect.getJsonObject("output");
            checkStage(out, outputError, stageAudit(audit, "output"), audit);
            if (out.containsKey("answer")) {
                assertThat(ex.answerText()).isEqualTo(out.getString("answer"));
            }
        }
        if (f.containsKey("chunks")) {
            JsonObject st = expect.getJsonObject("stream");
            assertThat(st.containsKey("text") || st.containsKey("cutCode"))
                    .as("a stream expectation: text or cutCode")
                    .isTrue();
            StreamFilter filter = stage.streamFilter(ex);
            assertThat(filter).as("stream filter").isNotNull();
            StringBuilder released = new StringBuilder();
            GatehouseException cut = null;
            try {
                for (JsonValue c : f.getJsonArray("chunks")) {
                    released.append(filter.onChunk(((JsonString) c).getString()));
                }
                released.append(filter.onEnd());
            } catch (GatehouseException e) {
                cut = e;
            }
            if (st.containsKey("text")) {
                assertThat(cut).isNull();
                assertThat(released.toString()).isEqualTo(st.getString("text"));
            }
            if (st.containsKey("outcome")) {
                assertThat(stageAudit(audit, "output").get("outcome"))
                        .isEqualTo(st.getString("outcome"));
            }
            if (st.containsKey("cutCode")) {
                assertThat(cut).isNotNull();
                assertThat(cut.code()).isEqualTo(st.getString("cutCode"));
                assertThat(released.toString()).doesNotContain(st.getString("notReleased"));
                assertThat(stageAudit(audit, "output").get("outcome")).isEqualTo("deny");
            }
        }
        // The audit details never carry message content.
        String auditText = audit.toString();
        for (JsonValue v : f.getJsonObject("request").getJsonArray("messages")) {
            String content = v.asJsonObject().getString("content");
            if (content.length() > 12) {
                assertThat(auditText).doesNotContain(content);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkStage(
            JsonObject e,
            GatehouseException error,
            Map<String, Object> decision,
            Map<String, Object> audit) {
        if (e == null) {
            return;
        }
        String outcome = e.getString("outcome", null);
        if ("deny".equals(outcome)) {
            assertThat(error).as("denied").isNotNull();
            assertThat(error.status()).isEqualTo(e.getInt("status", 403));
            assertThat(error.code()).isEqualTo(e.getString("code"));
            assertThat(decision.get("outcome")).isEqualTo("deny");
        } else {
            assertThat(error).as("not denied").isNull();
            if (outcome != null && decision != null) {
                assertThat(decision.get("outcome")).isEqualTo(outcome);
            }
        }
        if (e.containsKey("matched")) {
            assertThat(decision.get("matched")).isEqualTo(strings(e, "matched"));
        }
        if (e.containsKey("flags")) {
            assertThat(decision.get("flags")).isEqualTo(strings(e, "flags"));
        }
        if (e.containsKey("redacted")) {
            assertThat((List<Object>) decision.get("redacted"))
                    .containsExactlyInAnyOrderElementsOf(List.copyOf(strings(e, "redacted")));
        }
        if (e.containsKey("errors")) {
            assertThat((List<?>) decision.get("errors")).hasSize(e.getInt("errors"));
        }
        assertThat(audit.get("versions")).isNotNull();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stageAudit(Map<String, Object> audit, String stage) {
        Object o = audit == null ? null : audit.get(stage);
        return o == null ? Map.of() : (Map<String, Object>) o;
    }

    private static List<String> strings(JsonObject o, String field) {
        return o.getJsonArray(field).getValuesAs(JsonString.class).stream()
                .map(JsonString::getString)
                .toList();
    }
}
