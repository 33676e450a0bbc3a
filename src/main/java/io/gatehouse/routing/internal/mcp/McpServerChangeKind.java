package io.gatehouse.routing.internal.mcp;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.internal.persistence.McpServerRows;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ValidationException;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Upstream MCP servers through governance (kind {@code mcp_server}, target: the server's name). The
 * credential is a secret field, sealed in {@link #validate} (bound to tenant and server) and never
 * shown back. HIGH risk (two reviewers) unless the change only drops tools, tightens them ({@code
 * approval: none -> required}) or rewords descriptions: a new server, a new URL, transport or
 * credential, an added tool, a loosened approval or a changed schema or risk all change what an
 * agent can reach. The URL must pass the tenant's egress rules ({@link EgressPolicy}) when proposed
 * and again on every call.
 */
@ApplicationScoped
public class McpServerChangeKind implements ChangeKind {
    @Inject McpServerCache cache;
    @Inject McpServerRows rows;
    @Inject SecretBox secrets;
    @Inject EgressPolicy egress;
    @Inject ChangeFeed feed;

    @Resource TransactionSynchronizationRegistry tsr;

    @Override
    public String kind() {
        return "mcp_server";
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("credential");
    }

    @Override
    public Optional<String> lineageKey() {
        return Optional.of(LineageKeys.MCP_SERVER_VERSION);
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        McpServerContent.checkServerName(target);
        String ctx = McpServer.credentialContext(tenant, target);
        String sealed = null;
        if (content.get("credential") instanceof JsonString s) {
            if (isSealedFor(s.getString(), ctx)) {
                sealed = s.getString();
            } else {
                if (s.getString().isBlank() || s.getString().length() > 8192) {
                    throw new ValidationException(
                            "content.credential", "credential must be 1..8192 characters");
                }
                sealed = secrets.seal(s.getString().getBytes(StandardCharsets.UTF_8), ctx);
            }
        } else if (content.containsKey("credential")
                && content.get("credential") != JsonValue.NULL) {
            throw new ValidationException(
                    "content.credential", "credential must be a string or null");
        }
        McpServer s = McpServerContent.parse(target, content, sealed);
        if (s.transport().equals(McpServer.STREAMABLE_HTTP)) {
            egress.refused(tenant, URI.create(s.url()))
                    .ifPresent(
                            why -> {
                                throw new ValidationException("content.url", "url refused: " + why);
                            });
        }
        var b = Json.createObjectBuilder(content).remove("credentialSet");
        if (sealed != null) {
            b.add("credential", sealed);
        }
        return b.build();
    }

    private boolean isSealedFor(String text, String ctx) {
        if (!text.startsWith("v1:")) {
            return false;
        }
        try {
            secrets.open(text, ctx);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        McpServer s = cache.servers(tenant).get(target);
        return s == null
                ? Optional.empty()
                : Optional.of(new LiveVersion(s.version(), McpServerContent.content(s)));
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return rows.version(tenant, target);
    }

    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        if (live.isEmpty()) {
            return RiskClass.HIGH;
        }
        if (proposed.containsKey("credential") && credentialChanged(tenant, target, proposed)) {
            return RiskClass.HIGH;
        }
        McpServer before = McpServerContent.parse(target, live.get().content(), null);
        McpServer after = McpServerContent.parse(target, proposed, null);
        if (!before.url().equals(after.url()) || !before.transport().equals(after.transport())) {
            return RiskClass.HIGH;
        }
        Map<String, McpServer.Tool> old =
                before.tools().stream()
                        .collect(Collectors.toMap(McpServer.Tool::name, Function.identity()));
        for (McpServer.Tool t : after.tools()) {
            McpServer.Tool o = old.get(t.name());
            if (o == null
                    || !o.risk().equals(t.risk())
                    || (o.approvalRequired() && !t.approvalRequired())
                    || !o.inputSchema().equals(t.inputSchema())) {
                return RiskClass.HIGH;
            }
        }
        return RiskClass.LOW;
    }

    private boolean credentialChanged(TenantId tenant, String target, JsonObject proposed) {
        String live = rows.credential(tenant, target).orElse(null);
        if (proposed.isNull("credential")) {
            return live != null;
        }
        if (live == null) {
            return true;
        }
        String ctx = McpServer.credentialContext(tenant, target);
        try {
            byte[] a = secrets.open(proposed.getString("credential"), ctx);
            byte[] b = secrets.open(live, ctx);
            return !Arrays.equals(a, b);
        } catch (RuntimeException e) {
            return true;
        }
    }

    @Override
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        String sealed;
        if (content.get("credential") instanceof JsonString s) {
            sealed = s.getString();
            secrets.open(sealed, McpServer.credentialContext(tenant, target)); // must be ours
        } else if (content.containsKey("credential")) {
            sealed = null;
        } else {
            sealed = rows.credential(tenant, target).orElse(null);
        }
        McpServer s = McpServerContent.parse(target, content, sealed);
        String version = context.changeId().toString();
        write(tenant, s, version);
        return version;
    }

    /** Writes the server in the caller's transaction; every instance drops its cache after. */
    void write(TenantId tenant, McpServer s, String version) {
        rows.upsert(
                tenant,
                new McpServerRows.Row(
                        s.name(),
                        version,
                        s.url(),
                        s.transport(),
                        s.sealedCredential(),
                        McpServerContent.toolsJson(s.tools())));
        feed.publish(McpServerCache.TOPIC, tenant, null);
        if (tsr != null && tsr.getTransactionStatus() == Status.STATUS_ACTIVE) {
            tsr.registerInterposedSynchronization(
                    new Synchronization() {
                        @Override
                        public void beforeCompletion() {}

                        @Override
                        public void afterCompletion(int status) {
                            cache.invalidate(tenant);
                        }
                    });
        }
        cache.invalidate(tenant);
    }
}
