package io.gatehouse.routing.stage;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A gateway request, parsed once from the client's body into an immutable value: the messages,
 * tools, response format and sampling parameters routing passes to providers, and the client's
 * extra fields the stages use ({@code prompt_variables}), which no provider ever receives. Fields
 * routing does not know are not kept. A stage changes the request by giving the exchange a changed
 * copy ({@code exchange.request(exchange.request().withMessages(...))}); routing forwards the
 * client's own bytes only while no stage did. For embeddings only the model and one user message
 * per input are set.
 *
 * @param model what the client asked for (a route alias or a managed prompt reference)
 * @param tools the tools offered (empty when none)
 * @param toolChoice as sent (a string or an object), or null
 * @param responseFormat as sent, or null
 * @param stream the client's {@code stream} value, or null when absent
 * @param streamOptions the client's {@code stream_options}, or null
 * @param promptVariables the client's {@code prompt_variables} (for the stages only), or null
 */
public record ChatRequest(
        String model,
        List<ChatMessage> messages,
        Sampling sampling,
        List<Tool> tools,
        JsonValue toolChoice,
        Boolean parallelToolCalls,
        JsonObject responseFormat,
        Boolean stream,
        JsonObject streamOptions,
        String user,
        JsonObject promptVariables) {

    public ChatRequest {
        messages = List.copyOf(messages);
        sampling = sampling == null ? Sampling.NONE : sampling;
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** A request of messages only (embeddings, tests, the policy test bench). */
    public static ChatRequest of(
            String model, List<ChatMessage> messages, JsonObject promptVariables) {
        return new ChatRequest(
                model, messages, null, null, null, null, null, null, null, null, promptVariables);
    }

    /** A copy with other messages (a rendered template before them, redacted text, ...). */
    public ChatRequest withMessages(List<ChatMessage> newMessages) {
        return new ChatRequest(
                model,
                newMessages,
                sampling,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                stream,
                streamOptions,
                user,
                promptVariables);
    }

    /** A copy with other sampling parameters. */
    public ChatRequest withSampling(Sampling newSampling) {
        return new ChatRequest(
                model,
                messages,
                newSampling,
                tools,
                toolChoice,
                parallelToolCalls,
                responseFormat,
                stream,
                streamOptions,
                user,
                promptVariables);
    }

    public boolean streaming() {
        return Boolean.TRUE.equals(stream);
    }

    /**
     * The sampling and length parameters; null where the client did not set one. Numbers are kept
     * exactly as sent.
     *
     * @param stop stop sequences (a single string is a list of one), or null
     * @param stopIsString true when the client sent {@code stop} as one string (rendered so again)
     * @param logitBias as sent, or null
     * @param reasoningEffort as sent, or null
     */
    public record Sampling(
            BigDecimal temperature,
            BigDecimal topP,
            Long n,
            Long maxTokens,
            Long maxCompletionTokens,
            List<String> stop,
            Long seed,
            BigDecimal presencePenalty,
            BigDecimal frequencyPenalty,
            JsonObject logitBias,
            Boolean logprobs,
            Long topLogprobs,
            JsonValue reasoningEffort,
            boolean stopIsString) {
        public static final Sampling NONE =
                new Sampling(
                        null, null, null, null, null, null, null, null, null, null, null, null,
                        null);

        public Sampling {
            stop = stop == null ? null : List.copyOf(stop);
            stopIsString = stopIsString && stop != null && stop.size() == 1;
        }

        /** Stop sequences, if any, sent as a list. */
        public Sampling(
                BigDecimal temperature,
                BigDecimal topP,
                Long n,
                Long maxTokens,
                Long maxCompletionTokens,
                List<String> stop,
                Long seed,
                BigDecimal presencePenalty,
                BigDecimal frequencyPenalty,
                JsonObject logitBias,
                Boolean logprobs,
                Long topLogprobs,
                JsonValue reasoningEffort) {
            this(
                    temperature,
                    topP,
                    n,
                    maxTokens,
                    maxCompletionTokens,
                    stop,
                    seed,
                    presencePenalty,
                    frequencyPenalty,
                    logitBias,
                    logprobs,
                    topLogprobs,
                    reasoningEffort,
                    false);
        }

        /** A copy with {@code max_completion_tokens} set (the gateway's cap, budgets). */
        public Sampling withMaxCompletionTokens(Long max) {
            return new Sampling(
                    temperature,
                    topP,
                    n,
                    maxTokens,
                    max,
                    stop,
                    seed,
                    presencePenalty,
                    frequencyPenalty,
                    logitBias,
                    logprobs,
                    topLogprobs,
                    reasoningEffort,
                    stopIsString);
        }

        /** The most output tokens asked for: max_completion_tokens, else max_tokens, else null. */
        public Long maxOutput() {
            return maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        }
    }

    /**
     * A function tool as sent ({@code json}, forwarded as is to OpenAI-compatible providers).
     *
     * @param parameters the JSON schema of the arguments, or null
     */
    public record Tool(String name, String description, JsonObject parameters, JsonObject json) {
        public Tool {
            Objects.requireNonNull(name);
            Objects.requireNonNull(json);
        }
    }
}
