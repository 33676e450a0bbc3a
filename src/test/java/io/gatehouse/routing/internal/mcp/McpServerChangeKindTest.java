package io.gatehouse.routing.internal.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What makes an {@code mcp_server} change HIGH risk, and what its content may hold. */
class McpServerChangeKindTest {
    static final TenantId T = new TenantId(UUID.randomUUID());
    final McpServerChangeKind kind = new McpServerChangeKind();

    static JsonObject tool(String name, String risk, String approval, String description) {
        return Json.createObjectBuilder()
                .add("name", name)
                .add("description", description)
                .add("risk", risk)
                .add("approval", approval)
                .build();
    }

    static JsonObject server(String url, JsonObject... tools) {
        var a = Json.createArrayBuilder();
        for (JsonObject t : tools) {
            a.add(t);
        }
        return Json.createObjectBuilder().add("url", url).add("tools", a).build();
    }

    static final JsonObject LOOKUP = tool("lookup", "low", "none", "Looks up");
    static final JsonObject REFUND = tool("refund", "high", "required", "Refunds");
    static final JsonObject LIVE = server("https://tools.example/mcp", LOOKUP, REFUND);

    RiskClass risk(JsonObject proposed) {
        McpServer live = McpServerContent.parse("crm", LIVE, null);
        return kind.risk(
                T,
                "crm",
                proposed,
                Optional.of(new LiveVersion("v1", McpServerContent.content(live))));
    }

    @Test
    void onlyDroppingTighteningAndRewordingAreLowRisk() {
        assertThat(kind.risk(T, "crm", LIVE, Optional.empty())).isEqualTo(RiskClass.HIGH);
        assertThat(risk(LIVE)).isEqualTo(RiskClass.LOW);
        assertThat(risk(server("https://tools.example/mcp", LOOKUP))).isEqualTo(RiskClass.LOW);
        assertThat(
                        risk(
                                server(
                                        "https://tools.example/mcp",
                                        tool("lookup", "low", "required", "Looks up"),
                                        REFUND)))
                .isEqualTo(RiskClass.LOW);
        assertThat(
                        risk(
                                server(
                                        "https://tools.example/mcp",
                                        tool("lookup", "low", "none", "Finds a customer"),
                                        REFUND)))
                .isEqualTo(RiskClass.LOW);

        assertThat(risk(server("https://elsewhere.example/mcp", LOOKUP, REFUND)))
                .isEqualTo(RiskClass.HIGH);
        assertThat(
                        risk(
                                server(
                                        "https://tools.example/mcp",
                                        LOOKUP,
                                        REFUND,
                                        tool("delete", "low", "none", "x"))))
                .isEqualTo(RiskClass.HIGH);
        assertThat(
                        risk(
                                server(
                                        "https://tools.example/mcp",
                                        LOOKUP,
                                        tool("refund", "high", "none", "Refunds"))))
                .isEqualTo(RiskClass.HIGH);
        assertThat(
                        risk(
                                server(
                                        "https://tools.example/mcp",
                                        LOOKUP,
                                        tool("refund", "low", "required", "Refunds"))))
                .isEqualTo(RiskClass.HIGH);
        JsonObject schema =
                Json.createObjectBuilder(LOOKUP)
                        .add(
                                "inputSchema",
                                Json.createObjectBuilder()
                                        .add("type", "object")
                                        .add("additionalProperties", true))
                        .build();
        assertThat(risk(server("https://tools.example/mcp", schema, REFUND)))
                .isEqualTo(RiskClass.HIGH);
    }

    @Test
    void badContentIsRefusedNamingTheField() {
        assertThatThrownBy(() -> McpServerContent.parse("Bad_Name", LIVE, null))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(
                        () ->
                                McpServerContent.parse(
                                        "crm", server("ftp://tools.example/x", LOOKUP), null))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("content.url"));
        assertThatThrownBy(() -> McpServerContent.parse("crm", server("https://a.example"), null))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("content.tools"));
        assertThatThrownBy(
                        () ->
                                McpServerContent.parse(
                                        "crm",
                                        server(
                                                "https://a.example",
                                                tool("x", "low", "sometimes", "")),
                                        null))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("content.tools[0].approval"));
        // a field of a tool is named with the tool's path, not as if it were the server's
        assertThatThrownBy(
                        () ->
                                McpServerContent.parse(
                                        "crm",
                                        server(
                                                "https://a.example",
                                                LOOKUP,
                                                tool("y", "low", "none", "d".repeat(1025))),
                                        null))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("content.tools[1].description"));
        assertThatThrownBy(
                        () ->
                                McpServerContent.parse(
                                        "crm", server("https://a.example", LOOKUP, LOOKUP), null))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(
                        () ->
                                McpServerContent.parse(
                                        "crm",
                                        Json.createObjectBuilder(LIVE).add("extra", 1).build(),
                                        null))
                .isInstanceOfSatisfying(
                        ValidationException.class,
                        e -> assertThat(e.param()).isEqualTo("content.extra"));
    }
}
