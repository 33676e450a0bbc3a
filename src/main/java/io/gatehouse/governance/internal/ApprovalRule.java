package io.gatehouse.governance.internal;

import io.gatehouse.governance.RiskClass;
import io.gatehouse.governance.internal.persistence.ChangeRevisionEntity;
import io.gatehouse.governance.internal.persistence.ReviewEntity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How many distinct approvals a change needs, and whose count. Defaults: one for LOW, two for HIGH;
 * a tenant may set its own number per kind (or for every kind with {@code *}) and risk class. Four
 * eyes: nobody who authored a revision of a change counts as its approver.
 */
public final class ApprovalRule {
    public static final String ANY_KIND = "*";

    private ApprovalRule() {}

    public static int defaultFor(RiskClass risk) {
        return risk == RiskClass.HIGH ? 2 : 1;
    }

    /**
     * The number that applies: the kind's own setting, else the tenant's setting for any kind, else
     * the default. A HIGH change never needs fewer than two: four eyes plus the author are the
     * point.
     */
    public static int required(RiskClass risk, Integer forKind, Integer forAnyKind) {
        int n = forKind != null ? forKind : forAnyKind != null ? forAnyKind : defaultFor(risk);
        return risk == RiskClass.HIGH ? Math.max(2, n) : Math.max(1, n);
    }

    /**
     * Whether publishing needs evidence ({@link EvidenceRule}): the kind's own setting, else the
     * setting for any kind, else no. Null means "not set" at either level.
     */
    public static boolean requiresEvidence(Boolean forKind, Boolean forAnyKind) {
        return forKind != null ? forKind : forAnyKind != null && forAnyKind;
    }

    /** Everyone who authored a revision of a change: its creator and each revision's author. */
    static Set<String> authors(String creatorId, List<ChangeRevisionEntity> revisions) {
        Set<String> out = new LinkedHashSet<>();
        out.add(creatorId);
        for (ChangeRevisionEntity r : revisions) {
            out.add(r.createdBy());
        }
        return out;
    }

    /**
     * Distinct reviewers who approved {@code revision}, in order, never one of {@code authors} (the
     * service refuses their approvals; this holds for rows written any other way too).
     */
    static List<String> approvers(int revision, List<ReviewEntity> reviews, Set<String> authors) {
        Set<String> out = new LinkedHashSet<>();
        for (ReviewEntity r : reviews) {
            if (r.revision() == revision
                    && "approve".equals(r.decision())
                    && !authors.contains(r.reviewerId())) {
                out.add(r.reviewerId());
            }
        }
        return new ArrayList<>(out);
    }

    /**
     * The approvals an override of a failed run counts ({@link EvidenceGate}): distinct reviewers
     * of {@code revision} other than the authors and the {@code publisher} (the extra pair of eyes
     * is someone else's), who approved after {@code failedAt}, when the failed run finished (they
     * saw the failure). Null {@code failedAt} counts no approval.
     */
    static List<String> overrideApprovers(
            int revision,
            List<ReviewEntity> reviews,
            Set<String> authors,
            String publisher,
            Instant failedAt) {
        if (failedAt == null) {
            return List.of();
        }
        Set<String> notCounted = new java.util.HashSet<>(authors);
        notCounted.add(publisher);
        return approvers(
                revision,
                reviews.stream().filter(r -> r.createdAt().isAfter(failedAt)).toList(),
                notCounted);
    }
}
