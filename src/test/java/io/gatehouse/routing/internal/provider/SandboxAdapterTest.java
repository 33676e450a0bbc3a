package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.internal.catalog.Provider;
import io.gatehouse.routing.internal.catalog.TestCatalog;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SandboxAdapterTest {
    final SandboxAdapter sandbox = new SandboxAdapter();

    static JsonObject chat(String last) {
        return Json.createObjectBuilder()
                .add(
                        "messages",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "user")
                                                .add("content", "first"))
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "assistant")
                                                .add("content", "ok"))
                                .add(
                                        Json.createObjectBuilder()
                                                .add("role", "user")
                                                .add("content", last)))
                .build();
    }

    ProviderCall call(Provider p, JsonObject body) {
        return new ProviderCall(p, p.models().get(0), body, Duration.ofMillis(p.timeoutMs()), null);
    }

    @Test
    void quotesTheLastUserMessageAsReceivedWithUsage() throws Exception {
        Provider p = TestCatalog.provider("sb");
        JsonObject a = sandbox.chat(call(p, chat("mail [EMAIL] please")));
        String content =
                a.getJsonArray("choices")
                        .getJsonObject(0)
                        .getJsonObject("message")
                        .getString("content");
        assertThat(content).contains("\"mail [EMAIL] please\"").doesNotContain("first");
        assertThat(a.getJsonObject("usage").getInt("prompt_tokens")).isPositive();
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() throws Exception {
        Provider p = TestCatalog.provider("sb");
        JsonObject body =
                Json.createObjectBuilder()
                        .add("input", Json.createArrayBuilder().add("a").add("b"))
                        .add("dimensions", 8)
                        .build();
        JsonObject one = sandbox.embed(call(p, body));
        JsonObject two = sandbox.embed(call(p, body));
        assertThat(one.getJsonArray("data")).isEqualTo(two.getJsonArray("data"));
        var v = one.getJsonArray("data").getJsonObject(0).getJsonArray("embedding");
        assertThat(v).hasSize(8);
        double norm =
                v.stream()
                        .mapToDouble(x -> Math.pow(((jakarta.json.JsonNumber) x).doubleValue(), 2))
                        .sum();
        assertThat(norm).isBetween(0.999, 1.001);
        assertThat(one.getJsonArray("data").getJsonObject(1).getJsonArray("embedding"))
                .isNotEqualTo(v);
    }

    @Test
    void canBeToldToFailOrBeSlow() {
        Provider failing =
                TestCatalog.provider(
                        "f",
                        "sandbox",
                        null,
                        Json.createObjectBuilder()
                                .add("failStatus", 503)
                                .add("retryAfterMs", 2000)
                                .build());
        assertThatThrownBy(() -> sandbox.chat(call(failing, chat("x"))))
                .isInstanceOf(ProviderException.class)
                .satisfies(
                        e -> {
                            assertThat(((ProviderException) e).kind())
                                    .isEqualTo(ProviderException.Kind.SERVER);
                            assertThat(((ProviderException) e).retryAfterMillis()).isEqualTo(2000L);
                        });
        Provider slow =
                TestCatalog.provider(
                        "s",
                        "sandbox",
                        null,
                        Json.createObjectBuilder().add("delayMs", 10_000).build());
        long start = System.nanoTime();
        assertThatThrownBy(() -> sandbox.chat(call(slow, chat("x"))))
                .satisfies(
                        e ->
                                assertThat(((ProviderException) e).kind())
                                        .isEqualTo(ProviderException.Kind.TIMEOUT));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(5000); // timeout 2000 ms
    }

    @Test
    void streamsWordByWordAndCanBeCut() throws Exception {
        Provider p = TestCatalog.provider("sb");
        JsonObject body =
                Json.createObjectBuilder(chat("one two three"))
                        .add(
                                "stream_options",
                                Json.createObjectBuilder().add("include_usage", true))
                        .build();
        StringBuilder text = new StringBuilder();
        int chunks = 0;
        JsonObject last = null;
        try (ProviderStream s = sandbox.stream(call(p, body))) {
            for (var c = s.next(); c.isPresent(); c = s.next()) {
                chunks++;
                last = c.get();
                var choices = last.getJsonArray("choices");
                if (!choices.isEmpty()
                        && choices.getJsonObject(0).getJsonObject("delta").containsKey("content")) {
                    text.append(
                            choices.getJsonObject(0).getJsonObject("delta").getString("content"));
                }
            }
        }
        assertThat(text.toString()).contains("\"one two three\"");
        assertThat(chunks).isGreaterThan(5);
        assertThat(last.getJsonObject("usage").getInt("completion_tokens")).isPositive();

        Provider cut =
                TestCatalog.provider(
                        "c",
                        "sandbox",
                        null,
                        Json.createObjectBuilder().add("failAfterChunks", 2).build());
        try (ProviderStream s = sandbox.stream(call(cut, body))) {
            assertThat(s.next()).isPresent();
            assertThat(s.next()).isPresent();
            assertThatThrownBy(s::next).isInstanceOf(ProviderException.class);
        }
    }
}
