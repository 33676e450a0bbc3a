package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.persistence.JpaPolicyVersions;
import io.gatehouse.policy.internal.persistence.PolicyVersionEntity;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Read views of a tenant's policies (and the global ones that apply to it). */
@ApplicationScoped
public class PolicyCatalog {
    /** A live policy as listed. */
    public record PolicySummary(
            String name,
            String version,
            String mode,
            boolean global,
            int rules,
            Instant publishedAt,
            String publishedBy) {}

    /** One version in a policy's history. */
    public record PolicyVersionView(
            String version,
            String status,
            Instant publishedAt,
            String publishedBy,
            UUID changeId,
            boolean rollback) {}

    /** A policy with its live content and history. */
    public record PolicyDetail(
            String name,
            String version,
            String mode,
            boolean global,
            JsonObject content,
            List<PolicyVersionView> history) {}

    static final String GLOBAL_PREFIX = "global:";

    @Inject JpaPolicyVersions versions;

    public List<PolicySummary> list(TenantId tenant) {
        return versions.liveFor(tenant.value()).stream()
                .map(
                        v -> {
                            JsonObject c = JsonInput.readObject(v.content());
                            return new PolicySummary(
                                    (v.tenantId() == null ? GLOBAL_PREFIX : "") + v.name(),
                                    v.label(),
                                    v.mode(),
                                    v.tenantId() == null,
                                    c.getJsonArray("rules").size(),
                                    v.publishedAt(),
                                    v.publishedBy());
                        })
                .toList();
    }

    /**
     * The tenant's policy by name, or a global one as {@code global:<name>}; empty when unknown.
     */
    public Optional<PolicyDetail> find(TenantId tenant, String name) {
        boolean global = name.startsWith(GLOBAL_PREFIX);
        String bare = global ? name.substring(GLOBAL_PREFIX.length()) : name;
        if (!PolicyChangeKind.NAME.matcher(bare).matches()) {
            return Optional.empty();
        }
        List<PolicyVersionEntity> history = versions.history(global ? null : tenant.value(), bare);
        Optional<PolicyVersionEntity> live =
                history.stream().filter(v -> v.status().equals("live")).findFirst();
        return live.map(
                v ->
                        new PolicyDetail(
                                name,
                                v.label(),
                                v.mode(),
                                global,
                                JsonInput.readObject(v.content()),
                                history.stream()
                                        .map(
                                                h ->
                                                        new PolicyVersionView(
                                                                h.label(),
                                                                h.status(),
                                                                h.publishedAt(),
                                                                h.publishedBy(),
                                                                h.changeId(),
                                                                h.rollback()))
                                        .toList()));
    }
}
