package io.gatehouse.routing.internal.dialect.messages;

import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The wire shapes of the Messages dialect, for the OpenAPI document (the body is read by hand in
 * {@link MessagesRequest}). Field names are Anthropic's (snake_case) on purpose.
 */
public final class MessagesDtos {
    private MessagesDtos() {}

    static final String STREAM =
            "Server-Sent Events, each 'event: <type>' and 'data: <json>': message_start (usage:"
                    + " the gateway's input estimate), then per content block content_block_start,"
                    + " content_block_delta (text_delta or input_json_delta) and content_block_stop,"
                    + " one block at a time, then message_delta (stop_reason, stop_sequence, the"
                    + " final usage) and message_stop; 'event: error' with Anthropic's error object"
                    + " when the stream fails after it started";

    @Schema(
            description =
                    "A content block: text {type, text}; image {type, source: {type: base64,"
                            + " media_type, data} or {type: url, url}} (user turns);"
                            + " tool_use {type, id, name, input} (assistant turns); tool_result"
                            + " {type, tool_use_id, content: string or text blocks} (user turns);"
                            + " thinking {type, thinking, signature} and redacted_thinking {type,"
                            + " data} (assistant turns; served only natively by Anthropic"
                            + " providers, passed byte for byte)")
    public record AnthropicContentBlock(
            @Schema(
                            required = true,
                            enumeration = {
                                "text",
                                "image",
                                "tool_use",
                                "tool_result",
                                "thinking",
                                "redacted_thinking"
                            })
                    String type,
            String text,
            Map<String, Object> source,
            String id,
            String name,
            Map<String, Object> input,
            String tool_use_id,
            @Schema(oneOf = {String.class, Object[].class}) Object content,
            @Schema(description = "A thinking block's text") String thinking,
            @Schema(description = "A thinking block's signature, as the provider issued it")
                    String signature,
            @Schema(description = "A redacted_thinking block's encrypted data") String data) {}

    @Schema(
            description =
                    "Extended thinking: served only by Anthropic providers, natively; a request"
                            + " with it is never sent to another kind (400"
                            + " native_provider_required when the route has no Anthropic target)")
    public record AnthropicThinking(
            @Schema(
                            required = true,
                            enumeration = {"enabled", "disabled"})
                    String type,
            @Schema(minimum = "1024", description = "With enabled: required, less than max_tokens")
                    Long budget_tokens) {}

    @Schema(description = "One turn")
    public record AnthropicMessage(
            @Schema(
                            required = true,
                            enumeration = {"user", "assistant"})
                    String role,
            @Schema(
                            required = true,
                            description = "A string or an array of content blocks",
                            oneOf = {String.class, AnthropicContentBlock[].class})
                    Object content) {}

    @Schema(description = "A client tool")
    public record AnthropicTool(
            @Schema(required = true, pattern = "^[a-zA-Z0-9_-]{1,64}$") String name,
            String description,
            @Schema(required = true, description = "JSON schema of the input")
                    Map<String, Object> input_schema) {}

    @Schema(
            description =
                    "Anthropic's Messages request as Gatehouse accepts it; other fields are refused"
                            + " (400 invalid_request_error)")
    public record AnthropicMessagesRequest(
            @Schema(
                            required = true,
                            maxLength = 256,
                            description = "A route alias this key may use")
                    String model,
            @Schema(required = true, minimum = "1", maximum = "10000000") Long max_tokens,
            @Schema(required = true, description = "1 to 2048 turns")
                    List<AnthropicMessage> messages,
            @Schema(
                            description = "A string or an array of text blocks",
                            oneOf = {String.class, AnthropicContentBlock[].class})
                    Object system,
            @Schema(minimum = "0", maximum = "1") Double temperature,
            @Schema(minimum = "0", maximum = "1") Double top_p,
            @Schema(
                            minimum = "0",
                            description =
                                    "Accepted; forwarded only to Anthropic providers (native), not"
                                            + " to OpenAI-compatible ones")
                    Long top_k,
            @Schema(description = "At most 4 strings") List<String> stop_sequences,
            @Schema(description = "Answer as Server-Sent Events") Boolean stream,
            @Schema(description = "{user_id}: passed as the provider's end-user id")
                    Map<String, Object> metadata,
            @Schema(description = "At most 128 client tools") List<AnthropicTool> tools,
            @Schema(description = "{type: auto|any|tool|none, name, disable_parallel_tool_use}")
                    Map<String, Object> tool_choice,
            AnthropicThinking thinking) {}

    @Schema(
            description =
                    "A count_tokens request: the input fields of a Messages request (no max_tokens,"
                            + " sampling or stream)")
    public record AnthropicCountTokensRequest(
            @Schema(
                            required = true,
                            maxLength = 256,
                            description = "A route alias this key may use")
                    String model,
            @Schema(required = true, description = "1 to 2048 turns")
                    List<AnthropicMessage> messages,
            @Schema(
                            description = "A string or an array of text blocks",
                            oneOf = {String.class, AnthropicContentBlock[].class})
                    Object system,
            List<AnthropicTool> tools,
            Map<String, Object> tool_choice,
            AnthropicThinking thinking) {}

    @Schema(description = "The input tokens of a request")
    public record AnthropicTokenCount(long input_tokens) {}

    @Schema(description = "Token counts of the call")
    public record AnthropicUsage(long input_tokens, long output_tokens) {}

    @Schema(description = "Anthropic's message: the answer")
    public record AnthropicMessageAnswer(
            @Schema(
                            description =
                                    "msg_ + the request id's random part; from an Anthropic"
                                            + " provider (native) the provider's own id")
                    String id,
            @Schema(enumeration = {"message"}) String type,
            @Schema(enumeration = {"assistant"}) String role,
            String model,
            @Schema(
                            description =
                                    "text and tool_use blocks; from an Anthropic provider (native)"
                                            + " also its thinking and redacted_thinking blocks")
                    List<AnthropicContentBlock> content,
            @Schema(
                            enumeration = {
                                "end_turn",
                                "max_tokens",
                                "stop_sequence",
                                "tool_use",
                                "refusal"
                            })
                    String stop_reason,
            @Schema(
                            description =
                                    "The stop sequence that ended the answer, when an Anthropic"
                                            + " provider named it; else null")
                    String stop_sequence,
            AnthropicUsage usage) {}
}
