package io.gatehouse.audit;

import io.gatehouse.shared.TenantId;

/**
 * A tenant's content-retention setting as other modules that keep content of their own must obey it
 * (routing's stored responses): whether readable content may be kept at all, and for how long.
 */
public interface ContentRetentionRules {

    /** The tenant's rule, from its retention setting (cached for a few seconds). */
    Keeping keeping(TenantId tenant);

    /**
     * @param keepsContent true only under the {@code full} setting: {@code none} and {@code hashed}
     *     keep no readable content, and {@code redacted} keeps only what a redaction produced
     * @param retentionDays how long kept content may live
     */
    record Keeping(boolean keepsContent, int retentionDays) {}
}
