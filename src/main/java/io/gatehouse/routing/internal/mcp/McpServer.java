package io.gatehouse.routing.internal.mcp;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * A published upstream MCP server: where it is, how to reach it and which of its tools clients may
 * call ({@code tools}, the reviewed allow-list).
 *
 * @param version the id of the change that published it
 * @param transport {@code streamable-http}, or {@code sandbox} for the built-in in-process server
 * @param sealedCredential the bearer credential as sealed text, or null
 */
public record McpServer(
        String name,
        String version,
        String url,
        String transport,
        String sealedCredential,
        List<Tool> tools) {
    public static final String STREAMABLE_HTTP = "streamable-http";
    public static final String SANDBOX = "sandbox";

    /** The separator of exposed tool names: {@code <server>__<tool>}. */
    public static final String SEPARATOR = "__";

    public McpServer {
        tools = List.copyOf(tools);
    }

    /**
     * One allowed tool.
     *
     * @param risk {@code low}, {@code medium} or {@code high}, as the reviewers judged it
     * @param approvalRequired true when a person must approve each call ({@code approval:
     *     required})
     * @param inputSchema the JSON schema clients see in {@code tools/list} and arguments must meet
     */
    public record Tool(
            String name,
            String description,
            String risk,
            boolean approvalRequired,
            JsonObject inputSchema) {}

    public Optional<Tool> tool(String toolName) {
        return tools.stream().filter(t -> t.name().equals(toolName)).findFirst();
    }

    /** The name clients call a tool by. */
    public String exposedName(Tool tool) {
        return name + SEPARATOR + tool.name();
    }

    /** The context a server's credential is sealed under (tenant and server name bound). */
    public static String credentialContext(TenantId tenant, String serverName) {
        return "mcp-credential:" + tenant + ":" + serverName;
    }
}
