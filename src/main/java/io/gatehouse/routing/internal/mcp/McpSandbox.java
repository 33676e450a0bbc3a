package io.gatehouse.routing.internal.mcp;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

/**
 * The built-in in-process MCP server of demo mode (transport {@code sandbox}): {@code echo} returns
 * its {@code text}, {@code approve_payment} (registered with {@code approval: required}) only says
 * what it would have done. Nothing leaves the process.
 */
final class McpSandbox {
    static final String ECHO = "echo";
    static final String APPROVE_PAYMENT = "approve_payment";

    private McpSandbox() {}

    static JsonObject call(String tool, JsonObject arguments) throws McpUpstream.UpstreamException {
        return switch (tool) {
            case ECHO -> McpProtocol.toolResult(text(arguments, "text"), false);
            case APPROVE_PAYMENT ->
                    McpProtocol.toolResult(
                            "sandbox: payment of "
                                    + text(arguments, "amount")
                                    + " to "
                                    + text(arguments, "payee")
                                    + " approved (nothing was paid)",
                            false);
            default -> throw new McpUpstream.UpstreamException("the sandbox has no tool " + tool);
        };
    }

    private static String text(JsonObject args, String field) {
        return args.get(field) instanceof JsonString s
                ? s.getString()
                : String.valueOf(args.getOrDefault(field, Json.createValue("")));
    }

    /** The sandbox's tools as registered in demo mode. */
    static JsonArray tools() {
        return Json.createArrayBuilder()
                .add(
                        Json.createObjectBuilder()
                                .add("name", ECHO)
                                .add("description", "Returns its text unchanged (harmless)")
                                .add("risk", "low")
                                .add("approval", "none")
                                .add("inputSchema", schema("text")))
                .add(
                        Json.createObjectBuilder()
                                .add("name", APPROVE_PAYMENT)
                                .add(
                                        "description",
                                        "Approves a payment (sandbox: pays nothing); a person must approve each call")
                                .add("risk", "high")
                                .add("approval", "required")
                                .add("inputSchema", schema("payee", "amount")))
                .build();
    }

    private static JsonObject schema(String... required) {
        var props = Json.createObjectBuilder();
        var req = Json.createArrayBuilder();
        for (String r : required) {
            props.add(r, Json.createObjectBuilder().add("type", "string"));
            req.add(r);
        }
        return Json.createObjectBuilder()
                .add("type", "object")
                .add("properties", props)
                .add("required", req)
                .build();
    }
}
