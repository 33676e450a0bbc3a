package io.gatehouse.testing;

import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * A stand-in upstream MCP server built with the MCP Java SDK's own server ({@code McpServer.sync}
 * over {@code HttpServletStreamableServerTransportProvider}, the Streamable HTTP transport with
 * sessions and event-stream answers) in an embedded Tomcat in the test JVM, on a free port. Tools
 * are registered with handlers; the server records every tool call it ran (tool, arguments, the
 * request's {@code Authorization} header) and the {@code Authorization} header of every HTTP
 * request it got (initialize, notifications, the session's end too).
 *
 * <p>A misbehaving upstream (slow, oversized, garbage, an answer no header can carry) is one the
 * SDK does not produce: tests keep hand-written stand-ins for those alone.
 */
public final class SdkMcpUpstream implements AutoCloseable {
    /** One tool call the server ran, as it received it. */
    public record Call(String tool, Map<String, Object> arguments, String authorization) {}

    /** A tool's behaviour: its answer to a call. */
    @FunctionalInterface
    public interface Handler {
        McpSchema.CallToolResult answer(Call call);
    }

    /** One HTTP request the server got: its method and {@code Authorization} header (or null). */
    public record Request(String method, String authorization) {}

    static final String ENDPOINT = "/mcp";

    /**
     * Tomcat's start/stop notices and its web-application leak checks (the SDK's reactor threads)
     * would fill the test log: warnings and worse only, kept strongly referenced (JUL holds loggers
     * weakly).
     */
    private static final List<Logger> QUIET =
            List.of(
                    quiet("org.apache", Level.WARNING),
                    quiet("org.apache.catalina.loader", Level.SEVERE));

    private static Logger quiet(String name, Level level) {
        Logger l = Logger.getLogger(name);
        l.setLevel(level);
        return l;
    }

    private static final String AUTHORIZATION = "authorization";

    private final Tomcat tomcat;
    private final McpSyncServer server;
    private final List<Call> calls;
    private final List<Request> requests;

    private SdkMcpUpstream(
            Tomcat tomcat, McpSyncServer server, List<Call> calls, List<Request> requests) {
        this.tomcat = tomcat;
        this.server = server;
        this.calls = calls;
        this.requests = requests;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A tool result with one text content. */
    public static McpSchema.CallToolResult text(String text, boolean isError) {
        return McpSchema.CallToolResult.builder().addTextContent(text).isError(isError).build();
    }

    public static final class Builder {
        private final List<McpServerFeatures.SyncToolSpecification> tools = new ArrayList<>();
        private final List<Call> calls = new CopyOnWriteArrayList<>();

        private Builder() {}

        /** A tool taking any object. */
        public Builder tool(String name, Handler handler) {
            return tool(name, "{\"type\":\"object\"}", handler);
        }

        /** A tool with its input schema (JSON) and handler. */
        public Builder tool(String name, String inputSchemaJson, Handler handler) {
            McpSchema.Tool tool =
                    McpSchema.Tool.builder()
                            .name(name)
                            .description("stand-in tool " + name)
                            .inputSchema(McpJsonDefaults.getMapper(), inputSchemaJson)
                            .build();
            tools.add(
                    McpServerFeatures.SyncToolSpecification.builder()
                            .tool(tool)
                            .callHandler(
                                    (exchange, request) -> {
                                        Object auth =
                                                exchange.transportContext().get(AUTHORIZATION);
                                        Call call =
                                                new Call(
                                                        request.name(),
                                                        request.arguments() == null
                                                                ? Map.of()
                                                                : request.arguments(),
                                                        auth == null ? null : auth.toString());
                                        calls.add(call);
                                        return handler.answer(call);
                                    })
                            .build());
            return this;
        }

        /** Starts the server on a free port of this machine. */
        public SdkMcpUpstream start() {
            List<Request> requests = new CopyOnWriteArrayList<>();
            HttpServletStreamableServerTransportProvider transport =
                    HttpServletStreamableServerTransportProvider.builder()
                            .mcpEndpoint(ENDPOINT)
                            .contextExtractor(
                                    (HttpServletRequest r) -> {
                                        Map<String, Object> m = new HashMap<>();
                                        String auth = r.getHeader("Authorization");
                                        if (auth != null) {
                                            m.put(AUTHORIZATION, auth);
                                        }
                                        return McpTransportContext.create(m);
                                    })
                            .build();
            McpSyncServer server =
                    McpServer.sync(transport)
                            .serverInfo("sdk-stand-in", "1")
                            .capabilities(
                                    McpSchema.ServerCapabilities.builder().tools(false).build())
                            .jsonSchemaValidator(new RequiredPropertiesOnly())
                            .tools(tools)
                            .build();
            Tomcat tomcat = new Tomcat();
            try {
                tomcat.setBaseDir(Files.createTempDirectory("sdk-mcp-upstream").toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tomcat.setPort(0);
            tomcat.getConnector(); // creates the connector on the port set above
            Context ctx = tomcat.addContext("", null);
            Wrapper servlet = Tomcat.addServlet(ctx, "mcp", transport);
            servlet.setAsyncSupported(true);
            ctx.addServletMappingDecoded(ENDPOINT, "mcp");
            Filter record =
                    (req, res, chain) -> {
                        HttpServletRequest h = (HttpServletRequest) req;
                        requests.add(new Request(h.getMethod(), h.getHeader("Authorization")));
                        chain.doFilter(req, res);
                    };
            FilterDef def = new FilterDef();
            def.setFilterName("record");
            def.setFilter(record);
            def.setAsyncSupported("true");
            ctx.addFilterDef(def);
            FilterMap map = new FilterMap();
            map.setFilterName("record");
            map.addURLPattern("/*");
            ctx.addFilterMap(map);
            try {
                tomcat.start();
            } catch (LifecycleException e) {
                throw new IllegalStateException("the stand-in MCP server did not start", e);
            }
            return new SdkMcpUpstream(tomcat, server, calls, requests);
        }
    }

    /**
     * The SDK's default schema validator is built on networknt json-schema-validator 2.x, and the
     * test classpath holds 3.x (the manifest tests): the stand-in checks only that required
     * properties are present. The gateway under test checks arguments itself before any call.
     */
    static final class RequiredPropertiesOnly implements JsonSchemaValidator {
        @Override
        public ValidationResponse validate(Map<String, Object> schema, Object instance) {
            if (schema.get("required") instanceof List<?> required
                    && instance instanceof Map<?, ?> object) {
                for (Object name : required) {
                    if (!object.containsKey(name)) {
                        return ValidationResponse.asInvalid("missing property " + name);
                    }
                }
            }
            return ValidationResponse.asValid(null);
        }

        @Override
        public ValidationResponse validateSchema(Map<String, Object> schema) {
            return ValidationResponse.asValid(null);
        }
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    /**
     * The Streamable HTTP endpoint, as a tenant registers it ({@code localhost}: the tests' egress
     * entry).
     */
    public String url() {
        return "http://localhost:" + port() + ENDPOINT;
    }

    /** The tool calls the server ran, in order. */
    public List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Every HTTP request the server got, in order. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (LifecycleException e) {
                throw new IllegalStateException("the stand-in MCP server did not stop", e);
            }
        }
    }
}
