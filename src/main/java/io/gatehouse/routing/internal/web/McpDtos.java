package io.gatehouse.routing.internal.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Schemas of {@code /mcp} (JSON-RPC 2.0 messages) and of the reviewers' held calls ({@code
 * /api/v1/mcp/held-calls}) for the OpenAPI document (docs/mcp.md).
 */
public final class McpDtos {
    private McpDtos() {}

    @Schema(name = "McpRequest", description = "A JSON-RPC 2.0 request or notification")
    public record Request(
            @Schema(
                            required = true,
                            enumeration = {"2.0"})
                    String jsonrpc,
            @Schema(description = "String or number; absent for a notification") Object id,
            @Schema(
                            required = true,
                            example = "tools/call",
                            description =
                                    "initialize, ping, tools/list, tools/call, notifications/*")
                    String method,
            @Schema(description = "For tools/call: {name: \"<server>__<tool>\", arguments: {...}}")
                    Map<String, Object> params) {}

    @Schema(name = "McpResponse", description = "A JSON-RPC 2.0 response: result or error")
    public record Response(
            @Schema(
                            required = true,
                            enumeration = {"2.0"})
                    String jsonrpc,
            Object id,
            @Schema(description = "The method's result; tools/call: {content: [...], isError}")
                    Map<String, Object> result,
            @Schema(description = "{code, message}: -32700, -32600, -32601, -32602")
                    Map<String, Object> error) {}

    @Schema(
            name = "McpHeldCall",
            description = "A tools/call held for a person's approval (docs/mcp.md, \"Oversight\")")
    public record HeldCall(
            @Schema(required = true, format = "uuid") String id,
            @Schema(required = true, example = "sandbox") String server,
            @Schema(required = true, example = "approve_payment") String tool,
            @Schema(
                            required = true,
                            example = "sandbox__approve_payment",
                            description = "<server>__<tool>")
                    String name,
            @Schema(
                            required = true,
                            description = "The published server's version (its change's id)")
                    String serverVersion,
            @Schema(
                            required = true,
                            nullable = true,
                            description =
                                    "The arguments as input policy left them (what the upstream"
                                            + " receives), while the call is held or approved; null"
                                            + " once it ended (its audit event keeps them under the"
                                            + " tenant's retention)")
                    Map<String, Object> arguments,
            @Schema(required = true, format = "uuid") String keyId,
            @Schema(required = true) String keyName,
            @Schema(
                            required = true,
                            description =
                                    "Subject of the person who created the key; they may not decide its calls")
                    String keyOwner,
            @Schema(required = true, description = "The key's allowedRoutes when the call was held")
                    List<String> keyScope,
            @Schema(description = "The /mcp request's id (lineage: /api/v1/lineage/requests/{id})")
                    String requestId,
            @Schema(
                            required = true,
                            enumeration = {
                                "held",
                                "approved",
                                "refused",
                                "expired",
                                "completed",
                                "abandoned"
                            })
                    String status,
            @Schema(required = true) Instant createdAt,
            @Schema(required = true, description = "Refused as approval_timeout after this")
                    Instant deadline,
            @Schema(description = "Subject of the reviewer who decided; null while held or expired")
                    String decidedBy,
            Instant decidedAt,
            @Schema(description = "The reviewer's comment (a refusal's reason)") String comment) {}

    @Schema(name = "McpHeldCallList", description = "Held calls, newest first (at most 200)")
    public record HeldCallList(@Schema(required = true) List<HeldCall> items) {}

    @Schema(name = "McpHeldCallDecision", description = "A reviewer's decision")
    public record Decision(
            @Schema(
                            maxLength = 2000,
                            description =
                                    "Optional to approve; required (non-blank) to refuse: the client sees it as"
                                            + " approval_refused: <comment>")
                    String comment) {}
}
