package io.gatehouse.routing.internal.pipeline;

import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GatewayStage;
import io.gatehouse.routing.stage.ProviderTarget;
import io.gatehouse.routing.stage.StreamFilter;
import io.gatehouse.shared.error.GatehouseException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The request-path stages other modules plug in ({@link GatewayStage}, found with {@code
 * Instance}), in their order, each phase traced per stage: before routing, before each provider
 * call, on the answer, and as filters on a stream.
 */
@ApplicationScoped
public class Stages {
    // Json.createXxx() looks the provider up on every call (in Liberty: a ServiceLoader scan and a
    // failing Class.forName with its exception) and gets a new buffer pool each time; one lookup
    // per class keeps that off the per-request and per-chunk path (see docs/benchmarks.md).
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject @Any Instance<GatewayStage> beans;
    @Inject GatewayTracing tracing;

    private volatile List<GatewayStage> stages;

    List<GatewayStage> all() {
        List<GatewayStage> s = stages;
        if (s == null) {
            List<GatewayStage> found = new ArrayList<>();
            beans.forEach(found::add);
            found.sort(Comparator.comparingInt(GatewayStage::order));
            stages = s = List.copyOf(found);
        }
        return s;
    }

    void beforeRouting(GatewayExchange ex) {
        ToolTraffic.offered(ex);
        tracing.eachStage(all(), "before_routing", ex, st -> st.beforeRouting(ex));
    }

    void beforeProviderCall(GatewayExchange ex, ProviderTarget target) {
        tracing.eachStage(
                all(), "before_provider_call", ex, st -> st.beforeProviderCall(ex, target));
    }

    /**
     * Runs the answer stages on each choice's text and tool calls; the answer changes only where
     * they did.
     */
    JsonObject afterAnswer(GatewayExchange ex, JsonObject answer) {
        if (!(answer.get("choices") instanceof JsonArray choices)) {
            return answer;
        }
        ToolTraffic.called(ex, answer);
        if (all().isEmpty()) {
            return answer;
        }
        JsonArrayBuilder nc = JSON.createArrayBuilder();
        boolean changed = false;
        for (JsonValue cv : choices) {
            JsonObject choice = cv.asJsonObject();
            JsonObject msg = choice.getJsonObject("message");
            String text =
                    msg != null && msg.get("content") instanceof JsonString cs
                            ? cs.getString()
                            : null;
            List<ChatMessage.ToolCall> calls = new ArrayList<>();
            if (msg != null && msg.get("tool_calls") instanceof JsonArray ta) {
                for (JsonValue t : ta) {
                    if (t instanceof JsonObject to) {
                        calls.add(ChatMessage.ToolCall.of(to));
                    }
                }
            }
            if (text != null || !calls.isEmpty()) {
                ex.answerText(text);
                ex.answerToolCalls(calls);
                tracing.eachStage(all(), "after_answer", ex, st -> st.afterAnswer(ex));
                JsonObjectBuilder nm = null;
                if (text != null && !text.equals(ex.answerText())) {
                    nm = JSON.createObjectBuilder(msg);
                    nm.add(
                            "content",
                            ex.answerText() == null
                                    ? JsonValue.NULL
                                    : JSON.createValue(ex.answerText()));
                }
                if (!calls.equals(ex.answerToolCalls())) {
                    nm = nm == null ? JSON.createObjectBuilder(msg) : nm;
                    JsonArrayBuilder tb = JSON.createArrayBuilder();
                    ex.answerToolCalls().forEach(c -> tb.add(c.json()));
                    nm.add("tool_calls", tb);
                }
                if (nm != null) {
                    changed = true;
                    choice = JSON.createObjectBuilder(choice).add("message", nm).build();
                }
            }
            nc.add(choice);
        }
        return changed ? JSON.createObjectBuilder(answer).add("choices", nc).build() : answer;
    }

    /**
     * Runs the answer stages over text the client gets exactly as the provider sent it (an answer's
     * thinking, which its signature covers): a deny throws as it does for the answer's text, and a
     * stage that would change the text (a redaction) refuses the answer, as the text cannot be
     * changed.
     */
    void scanOnly(GatewayExchange ex, String text) {
        if (all().isEmpty() || text.isEmpty()) {
            return;
        }
        ex.answerText(text);
        tracing.eachStage(all(), "after_answer", ex, st -> st.afterAnswer(ex));
        if (!text.equals(ex.answerText())) {
            ex.contentWithheld();
            throw new GatehouseException(403, THINKING_POLICY_MATCH, THINKING_POLICY_MESSAGE);
        }
    }

    /** The code of an answer refused because a stage would have changed its thinking. */
    static final String THINKING_POLICY_MATCH = "thinking_policy_match";

    static final String THINKING_POLICY_MESSAGE =
            "The output policy matched the answer's thinking, which the gateway cannot redact"
                    + " (its signature covers it)";

    /** The stages' filters for one streamed choice, in stage order. */
    List<StreamFilter> streamFilters(GatewayExchange ex) {
        List<StreamFilter> l = new ArrayList<>();
        for (GatewayStage s : all()) {
            StreamFilter f = s.streamFilter(ex);
            if (f != null) {
                l.add(f);
            }
        }
        return l;
    }
}
