package io.gatehouse.routing.internal.web;

import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Schemas of {@code /mcp} for the OpenAPI document: JSON-RPC 2.0 messages (docs/mcp.md). */
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
}
