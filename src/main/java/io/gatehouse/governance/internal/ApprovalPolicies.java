package io.gatehouse.governance.internal;

import io.gatehouse.audit.AuditEvent;
import io.gatehouse.audit.AuditRecorder;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.governance.internal.persistence.ApprovalPolicyEntity;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.governance.internal.persistence.JpaChangeRequests;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * How many approvals a change needs: each tenant's settings per kind of change (or {@code *}) and
 * risk class, their audited changes, and the effective number {@link ApprovalRule} derives from
 * them. The state machine ({@link ChangeRequestService}) asks it at approval and publication, the
 * read side ({@link ChangeViews}) for every change it shows.
 */
@ApplicationScoped
public class ApprovalPolicies {
    @Inject JpaChangeRequests repo;
    @Inject AuditRecorder audit;
    @Inject ChangeKinds kinds;

    /**
     * The effective number of approvals for each known kind and risk, and the tenant's settings.
     */
    @Transactional
    public List<ApprovalPolicyEntry> policies(Caller caller) {
        List<ApprovalPolicyEntry> out = new ArrayList<>();
        for (ApprovalPolicyEntity p : repo.policies(caller.tenant().value())) {
            out.add(
                    new ApprovalPolicyEntry(
                            p.kind(),
                            p.risk(),
                            p.requiredApprovals(),
                            requiresEvidence(
                                    caller.tenant(), p.kind(), RiskClass.valueOf(p.risk())),
                            true));
        }
        for (String kind : kinds.names()) {
            for (RiskClass risk : RiskClass.values()) {
                boolean explicit =
                        out.stream()
                                .anyMatch(
                                        e -> e.kind().equals(kind) && e.risk().equals(risk.name()));
                if (!explicit) {
                    out.add(
                            new ApprovalPolicyEntry(
                                    kind,
                                    risk.name(),
                                    required(caller.tenant(), kind, risk),
                                    requiresEvidence(caller.tenant(), kind, risk),
                                    false));
                }
            }
        }
        return out;
    }

    /**
     * A tenant's setting of required approvals for a kind (or {@code *}) and risk class, and
     * whether publishing needs evidence (effective: a row that leaves it unset inherits).
     */
    public record ApprovalPolicyEntry(
            String kind,
            String risk,
            int requiredApprovals,
            boolean requireEvidence,
            boolean configured) {}

    @Transactional
    public ApprovalPolicyEntry setPolicy(
            Caller caller,
            String requestId,
            String kind,
            String risk,
            Integer required,
            Boolean requireEvidence) {
        if (!caller.has(Role.ADMIN)) {
            throw new ForbiddenException("This action needs the role " + Role.ADMIN.wireName());
        }
        if (kind == null
                || !(ApprovalRule.ANY_KIND.equals(kind)
                        || ChangeKinds.NAME.matcher(kind).matches())) {
            throw new ValidationException("kind", "kind is a kind of change or *");
        }
        RiskClass rc;
        try {
            rc = RiskClass.valueOf(String.valueOf(risk).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("risk", "risk is LOW or HIGH");
        }
        if (required == null || required < 1 || required > 5) {
            throw new ValidationException(
                    "requiredApprovals", "requiredApprovals is between 1 and 5");
        }
        if (rc == RiskClass.HIGH && required < 2) {
            throw new ValidationException(
                    "requiredApprovals", "HIGH risk changes need at least 2 approvals");
        }
        UUID tenant = caller.tenant().value();
        Optional<ApprovalPolicyEntity> existing = repo.policy(tenant, kind, rc.name());
        ApprovalPolicyEntity p = existing.orElseGet(ApprovalPolicyEntity::new);
        Integer before = existing.map(e -> e.requiredApprovals()).orElse(null);
        Boolean evidenceBefore = existing.map(e -> e.requireEvidence()).orElse(null);
        p.tenantId(tenant);
        p.kind(kind);
        p.risk(rc.name());
        p.requiredApprovals(required);
        if (requireEvidence != null) {
            // left out: unchanged (a new row inherits from '*', else false)
            p.requireEvidence(requireEvidence);
        }
        p.updatedBy(caller.subject());
        p.updatedAt(Instant.now());
        if (existing.isEmpty()) {
            repo.add(p);
        }
        repo.flush();
        audit.recordInTransaction(
                AuditEvent.by(caller, "approval_policy.set")
                        .target("approval_policy", kind + "/" + rc.name())
                        .detail("kind", kind)
                        .detail("risk", rc.name())
                        .detail("requiredApprovals", required)
                        .detail("previous", before)
                        .detail("requireEvidence", p.requireEvidence())
                        .detail("previousRequireEvidence", evidenceBefore)
                        .detail(
                                "effectiveRequireEvidence",
                                requiresEvidence(caller.tenant(), kind, rc))
                        .requestId(requestId)
                        .build());
        return new ApprovalPolicyEntry(
                kind, rc.name(), required, requiresEvidence(caller.tenant(), kind, rc), true);
    }

    int requiredApprovals(ChangeRequestEntity c) {
        return required(new TenantId(c.tenantId()), c.kind(), RiskClass.valueOf(c.risk()));
    }

    int required(TenantId tenant, String kind, RiskClass risk) {
        Integer forKind =
                repo.policy(tenant.value(), kind, risk.name())
                        .map(p -> p.requiredApprovals())
                        .orElse(null);
        Integer forAny =
                repo.policy(tenant.value(), ApprovalRule.ANY_KIND, risk.name())
                        .map(p -> p.requiredApprovals())
                        .orElse(null);
        return ApprovalRule.required(risk, forKind, forAny);
    }

    /** Whether publishing {@code c} needs evidence ({@link EvidenceRule}). */
    boolean requiresEvidence(ChangeRequestEntity c) {
        return requiresEvidence(new TenantId(c.tenantId()), c.kind(), RiskClass.valueOf(c.risk()));
    }

    /**
     * The kind's own setting if it has one, else the tenant's setting for any kind, else false:
     * resolved apart from the number of approvals, so a row that sets only the number inherits.
     */
    boolean requiresEvidence(TenantId tenant, String kind, RiskClass risk) {
        Boolean forKind =
                repo.policy(tenant.value(), kind, risk.name())
                        .map(p -> p.requireEvidence())
                        .orElse(null);
        Boolean forAny =
                repo.policy(tenant.value(), ApprovalRule.ANY_KIND, risk.name())
                        .map(p -> p.requireEvidence())
                        .orElse(null);
        return ApprovalRule.requiresEvidence(forKind, forAny);
    }
}
