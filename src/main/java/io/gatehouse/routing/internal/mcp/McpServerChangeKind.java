package io.gatehouse.routing.internal.mcp;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.internal.catalog.SealedCredential;
import io.gatehouse.routing.internal.persistence.McpServerRows;
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ValidationException;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.net.URI;
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
        String sealed =
                SealedCredential.seal(
                        secrets, content, McpServer.credentialContext(tenant, target));
        McpServer s = McpServerContent.parse(target, content, sealed);
        if (s.transport().equals(McpServer.STREAMABLE_HTTP)) {
            egress.refused(tenant, URI.create(s.url()))
                    .ifPresent(
                            why -> {
                                throw new ValidationException("content.url", "url refused: " + why);
                            });
        }
        return SealedCredential.stored(content, sealed);
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
        return SealedCredential.changed(
                secrets,
                proposed,
                rows.credential(tenant, target),
                McpServer.credentialContext(tenant, target));
    }

    @Override
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        String sealed =
                SealedCredential.applied(
                        secrets,
                        content,
                        McpServer.credentialContext(tenant, target),
                        () -> rows.credential(tenant, target));
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
