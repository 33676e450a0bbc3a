package io.gatehouse.routing.internal.web;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of {@code /v1/responses} (OpenAI Responses) for the OpenAPI document. The dialect
 * reads bodies by hand (errors name the field) and builds its answers; these records describe what
 * it accepts and returns. Field names are OpenAI's (snake_case) on purpose.
 */
public final class ResponsesDtos {
    private ResponsesDtos() {}

    static final String STREAM =
            "Typed events, each `event: <type>` and `data: {type, sequence_number, ...}`, in order:"
                    + " response.created, response.in_progress; per text item"
                    + " response.output_item.added, response.content_part.added,"
                    + " response.output_text.delta..., response.output_text.done,"
                    + " response.content_part.done, response.output_item.done; per function call"
                    + " response.output_item.added, response.function_call_arguments.delta...,"
                    + " response.function_call_arguments.done, response.output_item.done; then"
                    + " response.completed (response.incomplete when cut by max_output_tokens), or"
                    + " response.failed when the stream broke off after it started. Streamed"
                    + " natively (option responsesApi, no tools offered, a managed prompt's"
                    + " default tools included): OpenAI's own events under this gateway's ids,"
                    + " sequence_number, output_index and content_index renumbered, text as the"
                    + " output policy left it, annotations empty; reasoning summary and reasoning"
                    + " text events and unknown events dropped.";

    @Schema(
            description =
                    "An input item: a message (type omitted or message; content a string or parts"
                            + " {type: input_text, text}, {type: input_image, image_url, detail},"
                            + " {type: output_text, text}), a function_call {call_id, name,"
                            + " arguments} or a function_call_output {call_id, output}")
    public record ResponseInputItem(
            @Schema(enumeration = {"message", "function_call", "function_call_output"}) String type,
            @Schema(enumeration = {"user", "assistant", "system", "developer"}) String role,
            @Schema(oneOf = {String.class, Object[].class}) Object content,
            String call_id,
            String name,
            String arguments,
            @Schema(oneOf = {String.class, Object[].class}) Object output) {}

    @Schema(description = "A function tool (the only tool type the gateway translates)")
    public record ResponseFunctionTool(
            @Schema(
                            required = true,
                            enumeration = {"function"})
                    String type,
            @Schema(required = true) String name,
            String description,
            @Schema(description = "JSON schema of the arguments") Map<String, Object> parameters,
            Boolean strict) {}

    @Schema(
            description =
                    "OpenAI's Responses request as Gatehouse accepts it: translated to a chat"
                            + " completion for every provider kind. Unknown fields are ignored;"
                            + " background, conversation and prompt are refused (400).")
    public record ResponseCreateRequest(
            @Schema(
                            required = true,
                            maxLength = 256,
                            description = "A route alias this key may use")
                    String model,
            @Schema(
                            required = true,
                            description = "A string (one user message) or input items",
                            oneOf = {String.class, ResponseInputItem[].class})
                    Object input,
            @Schema(description = "Sent as the first (system) message") String instructions,
            List<ResponseFunctionTool> tools,
            @Schema(
                            description = "auto, none, required or {type: function, name}",
                            oneOf = {String.class, Object.class})
                    Object tool_choice,
            @Schema(
                            description =
                                    "{format: {type: text | json_object | json_schema, name,"
                                            + " schema, strict}}")
                    Map<String, Object> text,
            @Schema(minimum = "1") Long max_output_tokens,
            @Schema(minimum = "0", maximum = "2") Double temperature,
            @Schema(minimum = "0", maximum = "1") Double top_p,
            @Schema(
                            description =
                                    "{effort}: passed as reasoning_effort to OpenAI-compatible"
                                            + " providers; dropped for Anthropic and the sandbox")
                    Map<String, Object> reasoning,
            Boolean parallel_tool_calls,
            Boolean stream,
            @Schema(
                            description =
                                    "Default true where the tenant's content retention is full;"
                                            + " elsewhere default false and true is refused (400,"
                                            + " param store)")
                    Boolean store,
            @Schema(
                            description =
                                    "A stored response of this tenant whose conversation comes"
                                            + " before this input")
                    String previous_response_id,
            String user) {}

    @Schema(
            description =
                    "An output item: a message with output_text parts, or a function_call; from a"
                            + " provider answering natively (option responsesApi) also its"
                            + " reasoning items, reduced to type, id and an empty summary")
    public record ResponseOutputItem(
            @Schema(enumeration = {"message", "function_call", "reasoning"}) String type,
            String id,
            @Schema(enumeration = {"in_progress", "completed", "incomplete"}) String status,
            String role,
            @Schema(
                            description =
                                    "Parts {type: output_text, text, annotations} or {type:"
                                            + " refusal}; annotations always empty in a native"
                                            + " stream")
                    List<Map<String, Object>> content,
            String call_id,
            String name,
            String arguments,
            @Schema(
                            description =
                                    "A reasoning item's summary: always empty (reasoning text"
                                            + " does not pass the output policy, so it is dropped,"
                                            + " in a JSON answer and a native stream alike)")
                    List<Map<String, Object>> summary) {}

    @Schema(
            description =
                    "The provider's token counts; the object's usage is null when the provider"
                            + " reported none (the audit event then holds the gateway's estimate,"
                            + " flagged tokens_estimated)")
    public record ResponseUsage(
            long input_tokens,
            Map<String, Object> input_tokens_details,
            long output_tokens,
            Map<String, Object> output_tokens_details,
            long total_tokens) {}

    @Schema(description = "A deleted stored response (OpenAI's shape)")
    public record ResponseDeleted(
            @Schema(description = "resp_ and 32 hex digits") String id,
            @Schema(enumeration = {"response.deleted"}) String object,
            @Schema(description = "Always true") boolean deleted) {}

    @Schema(
            description =
                    "OpenAI's response object; answered natively (option responsesApi) it holds"
                            + " id, object, created_at, status, error, incomplete_details, model,"
                            + " output, usage, instructions, previous_response_id and store only")
    public record ResponseObject(
            @Schema(
                            description =
                                    "resp_ and 32 hex digits: always this gateway's own id, also"
                                            + " when a provider answered natively (its id never"
                                            + " reaches the client)")
                    String id,
            @Schema(enumeration = {"response"}) String object,
            long created_at,
            @Schema(enumeration = {"completed", "incomplete", "failed", "in_progress"})
                    String status,
            Map<String, Object> error,
            Map<String, Object> incomplete_details,
            String instructions,
            Long max_output_tokens,
            String model,
            List<ResponseOutputItem> output,
            boolean parallel_tool_calls,
            String previous_response_id,
            boolean store,
            Double temperature,
            Map<String, Object> text,
            Object tool_choice,
            List<Map<String, Object>> tools,
            Double top_p,
            String truncation,
            ResponseUsage usage,
            String user,
            Map<String, Object> metadata) {}
}
