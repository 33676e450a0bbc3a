package io.gatehouse.routing.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of the OpenAI-compatible API and the usage reports, for the OpenAPI document. The
 * gateway reads request bodies by hand (OpenAI-style field errors, its audit sees even a malformed
 * body) and passes provider answers through; these records describe what it accepts and returns.
 * Field names are OpenAI's (snake_case) on purpose.
 */
public final class OpenAiDtos {
    private OpenAiDtos() {}

    @Schema(description = "A chat message")
    public record ChatRequestMessage(
            @Schema(
                            required = true,
                            enumeration = {
                                "system",
                                "developer",
                                "user",
                                "assistant",
                                "tool",
                                "function"
                            })
                    String role,
            @Schema(
                            description =
                                    "A string, or an array of content parts ({type: text, text},"
                                            + " {type: image_url, image_url: {url}}, {type: refusal});"
                                            + " may be null only on an assistant message with tool_calls",
                            oneOf = {String.class, Object[].class})
                    Object content,
            String name,
            @Schema(description = "An assistant message's tool calls, as OpenAI defines them")
                    List<Map<String, Object>> tool_calls,
            @Schema(description = "Required on tool messages") String tool_call_id,
            String refusal) {}

    @Schema(
            description =
                    "OpenAI's chat completion request as Gatehouse accepts it. Unknown fields are"
                            + " ignored; the fields listed are checked and passed to the provider.")
    public record ChatCompletionRequest(
            @Schema(
                            required = true,
                            maxLength = 256,
                            description =
                                    "A route alias this key may use, or prompt:<name>@<label> for a"
                                            + " managed prompt (the label defaults to production)",
                            example = "gpt-4o-mini")
                    String model,
            @Schema(
                            description =
                                    "Required and non-empty, except with a managed prompt (model"
                                            + " prompt:...): there they are appended to the"
                                            + " prompt's rendered messages, and may be left out or"
                                            + " empty (the prompt's messages are then the whole"
                                            + " conversation)")
                    List<ChatRequestMessage> messages,
            @Schema(
                            description =
                                    "Gatehouse: the variables a managed prompt (model prompt:...) is"
                                            + " rendered with, checked against the version's variables"
                                            + " schema")
                    Map<String, Object> prompt_variables,
            @Schema(description = "Answer as Server-Sent Events") Boolean stream,
            @Schema(description = "Only with stream: true, e.g. {include_usage: true}")
                    Map<String, Object> stream_options,
            @Schema(minimum = "0", maximum = "2") Double temperature,
            @Schema(minimum = "0", maximum = "1") Double top_p,
            @Schema(minimum = "1", maximum = "8") Integer n,
            @Schema(
                            description = "A string or up to 4 strings",
                            oneOf = {String.class, String[].class})
                    Object stop,
            @Schema(minimum = "1") Long max_tokens,
            @Schema(minimum = "1") Long max_completion_tokens,
            @Schema(minimum = "-2", maximum = "2") Double presence_penalty,
            @Schema(minimum = "-2", maximum = "2") Double frequency_penalty,
            Map<String, Object> logit_bias,
            Boolean logprobs,
            Integer top_logprobs,
            @Schema(maxLength = 256) String user,
            Long seed,
            @Schema(description = "At most 128 function tools") List<Map<String, Object>> tools,
            @Schema(description = "none, auto, required or a named tool") Object tool_choice,
            Boolean parallel_tool_calls,
            Map<String, Object> response_format,
            String reasoning_effort) {}

    @Schema(description = "The answer's message")
    public record ChatResponseMessage(
            @Schema(required = true, example = "assistant") String role,
            @Schema(description = "null when the answer is tool calls") String content,
            List<Map<String, Object>> tool_calls,
            String refusal) {}

    public record ChatChoice(
            @Schema(required = true) int index,
            @Schema(required = true) ChatResponseMessage message,
            @Schema(enumeration = {"stop", "length", "tool_calls", "content_filter"})
                    String finish_reason) {}

    @Schema(description = "Token counts")
    public record TokenUsage(
            @Schema(required = true) long prompt_tokens,
            @Schema(description = "Absent for embeddings") Long completion_tokens,
            @Schema(required = true) long total_tokens) {}

    @Schema(
            description =
                    "OpenAI's chat completion. The route, provider and model that served it are in the"
                            + " X-Gatehouse-Route, X-Gatehouse-Provider and X-Gatehouse-Model headers")
    public record ChatCompletion(
            @Schema(required = true) String id,
            @Schema(
                            required = true,
                            enumeration = {"chat.completion"})
                    String object,
            @Schema(required = true, description = "Unix seconds") long created,
            @Schema(required = true) String model,
            @Schema(required = true) List<ChatChoice> choices,
            TokenUsage usage) {}

    @Schema(description = "OpenAI's embeddings request as Gatehouse accepts it")
    public record EmbeddingRequest(
            @Schema(
                            required = true,
                            maxLength = 256,
                            description = "A route alias this key may use")
                    String model,
            @Schema(
                            required = true,
                            description = "A string or an array of up to 2048 strings",
                            oneOf = {String.class, String[].class})
                    Object input,
            @Schema(enumeration = {"float", "base64"}) String encoding_format,
            Integer dimensions,
            @Schema(maxLength = 256) String user) {}

    public record Embedding(
            @Schema(
                            required = true,
                            enumeration = {"embedding"})
                    String object,
            @Schema(required = true) int index,
            @Schema(
                            required = true,
                            description = "floats, or a base64 string with encoding_format base64")
                    List<Double> embedding) {}

    @Schema(description = "OpenAI's embeddings answer")
    public record EmbeddingResponse(
            @Schema(
                            required = true,
                            enumeration = {"list"})
                    String object,
            @Schema(required = true) List<Embedding> data,
            @Schema(required = true) String model,
            TokenUsage usage) {}

    @Schema(description = "A model alias (a route)")
    public record Model(
            @Schema(required = true, description = "The route alias") String id,
            @Schema(
                            required = true,
                            enumeration = {"model"})
                    String object,
            @Schema(required = true, description = "Always 0") long created,
            @Schema(
                            required = true,
                            enumeration = {"gatehouse"})
                    String owned_by) {}

    public record ModelList(
            @Schema(
                            required = true,
                            enumeration = {"list"})
                    String object,
            @Schema(required = true) List<Model> data) {}

    @Schema(description = "Usage totals of one group (or of all: group total)")
    public record UsageRow(
            @Schema(required = true, description = "The key id, route, model or provider")
                    String group,
            @Schema(required = true) long requests,
            @Schema(required = true) long errors,
            @Schema(required = true) long inputTokens,
            @Schema(required = true) long outputTokens,
            @Schema(required = true) long costMicros,
            @Schema(required = true, description = "costMicros as a decimal amount") String cost,
            @Schema(required = true) long cacheHits) {}

    public record BudgetPeriod(
            @Schema(required = true) long spentMicros,
            @Schema(description = "null without a budget") Long limitMicros,
            @Schema(description = "null without a budget") Long remainingMicros) {}

    @Schema(description = "The tenant's budgets and what is spent in the current UTC day and month")
    public record BudgetView(
            @Schema(required = true) BudgetPeriod daily,
            @Schema(required = true) BudgetPeriod monthly) {}

    @Schema(description = "Usage over [from, to)")
    public record UsageReport(
            @Schema(required = true) String from,
            @Schema(required = true) String to,
            @Schema(
                            required = true,
                            enumeration = {"key", "route", "model", "provider"})
                    String groupBy,
            @Schema(required = true) List<UsageRow> groups,
            @Schema(required = true) UsageRow totals,
            @Schema(required = true) BudgetView budget) {}

    /** The SSE stream, described for the document: it has no JSON schema of its own. */
    static final String STREAM =
            "Server-Sent Events: each event is a line 'data: <chat.completion.chunk JSON>' (id,"
                    + " object chat.completion.chunk, created, model, choices[{index, delta: {role?,"
                    + " content?, tool_calls?}, finish_reason}], and a last chunk with usage when"
                    + " stream_options.include_usage), then 'data: [DONE]'. An error after the stream"
                    + " started arrives as 'data: {error: ...}' in the OpenAiError shape.";
}
