package io.gatehouse.audit;

import io.gatehouse.shared.Caller;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The caller's tenant's gateway requests ({@code gateway.request} events) with the content its
 * retention setting kept of them ({@code audit_contents}): what the policy bench replays and what
 * golden-set capture builds cases from. Always within the caller's own tenant (its chain); a
 * request id of another tenant is simply not found. Reading bodies is an audited read: when a call
 * returns any body, one {@code audit.content.read} event by the caller is recorded first (details
 * {@code content.purpose} and {@code content.hashes}), as for {@code GET
 * /api/v1/audit/contents/{hash}}; when it cannot be recorded, nothing is returned (503).
 */
public interface RetainedRequests {

    /**
     * One recorded gateway request.
     *
     * @param contentHash the hash its event carries, or null (mode {@code none}, or no content)
     * @param form {@code full} or {@code redacted} when a body is kept, else null
     * @param body the kept body (canonical JSON: {@code messages}, {@code variables}, {@code
     *     model}, {@code answer}), or null when nothing is kept (mode {@code none}/{@code hashed},
     *     purged)
     */
    record Retained(
            String requestId,
            Instant occurredAt,
            String keyId,
            String route,
            String detailsJson,
            String contentHash,
            String form,
            String body) {

        public boolean retained() {
            return body != null;
        }
    }

    /**
     * The caller's tenant's gateway requests with these ids (server request ids), by id; ids not
     * found in the tenant's chain are absent. {@code read} names the read in its audit event.
     */
    Map<String, Retained> byRequestIds(Caller caller, Collection<String> requestIds, Read read);

    /** The caller's tenant's most recent gateway requests, newest first. */
    List<Retained> recent(Caller caller, int limit, Read read);

    /**
     * Why bodies are read and in which request: the audit event's {@code content.purpose} and its
     * request id.
     *
     * @param purpose e.g. {@code policy.replay}, {@code golden_set.capture}
     * @param requestId the server's id of the request reading them
     */
    record Read(String purpose, String requestId) {}
}
