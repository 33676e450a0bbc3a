package io.gatehouse.routing.internal.mcp;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;

/**
 * The MCP protocol as Gatehouse speaks it: the versions it accepts ({@link #SUPPORTED}; {@link
 * #LATEST} is what the MCP Java SDK 2.x clients ask for and get) and JSON-RPC 2.0 answers.
 */
public final class McpProtocol {
    /** The newest version; the MCP Java SDK 2.2 client proposes it and Gatehouse answers it. */
    public static final String LATEST = "2025-11-25";

    /** Versions whose Streamable HTTP transport and tool methods Gatehouse answers unchanged. */
    public static final List<String> SUPPORTED = List.of("2025-03-26", "2025-06-18", LATEST);

    public static final String SERVER_VERSION = "1.0";

    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;

    private McpProtocol() {}

    public static JsonObject result(JsonValue id, JsonObject result) {
        return Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("id", id == null ? JsonValue.NULL : id)
                .add("result", result)
                .build();
    }

    public static JsonObject error(JsonValue id, int code, String message) {
        return Json.createObjectBuilder()
                .add("jsonrpc", "2.0")
                .add("id", id == null ? JsonValue.NULL : id)
                .add("error", Json.createObjectBuilder().add("code", code).add("message", message))
                .build();
    }

    /** A tool result: text content, {@code isError} set for denials and failures. */
    public static JsonObject toolResult(String text, boolean isError) {
        return Json.createObjectBuilder()
                .add(
                        "content",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("type", "text")
                                                .add("text", text)))
                .add("isError", isError)
                .build();
    }
}
