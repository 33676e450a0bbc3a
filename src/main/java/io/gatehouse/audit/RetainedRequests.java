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
     * @param form {@code full} or {@code redacted} when a body is kept (also {@code full} with no
     *     body when it is withheld from this read), else null
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

        /**
         * A body is kept, but in its full form, which this read may not hand out ({@link
         * Read#redactedOnly}).
         */
        public boolean withheld() {
            return body == null && "full".equals(form);
        }
    }

    /**
     * The caller's tenant's gateway requests with these ids (server request ids), by id; ids not
     * found in the tenant's chain are absent. {@code read} names the read in its audit event.
     */
    Map<String, Retained> byRequestIds(Caller caller, Collection<String> requestIds, Read read);

    /**
     * The caller's tenant's most recent production gateway requests, newest first: requests made
     * for an evaluation run or a drift canary ({@code evaluationRun}) and a person's test calls
     * through a draft ({@code testCallOf}) are not among them, so a replay over them shows what the
     * tenant's own traffic would meet.
     */
    List<Retained> recent(Caller caller, int limit, Read read);

    /**
     * Why bodies are read, in which request, for whom and in which form: the audit event's {@code
     * content.purpose}, its request id and actor.
     *
     * @param purpose e.g. {@code policy.replay}, {@code golden_set.capture}
     * @param requestId the server's id of the request reading them (for a read the system makes on
     *     a person's behalf: the id of the person's request that caused it)
     * @param triggeredBy null when the caller reads for themselves; else the subject of the person
     *     whose action made the system read (a change's submit or revise): the event's actor is
     *     that person, {@code content.via} names the system caller that read
     * @param changeId the change the read is evidence for, or null; recorded as {@code
     *     content.change_id}
     * @param redactedOnly true when the reader may not see full bodies (an author capturing cases):
     *     a body kept in {@code full} form is withheld (its row comes with {@code form} {@code
     *     full} and no body, see {@link Retained#withheld()}), one kept {@code redacted} is
     *     returned
     */
    record Read(
            String purpose,
            String requestId,
            String triggeredBy,
            String changeId,
            boolean redactedOnly) {

        public Read(String purpose, String requestId) {
            this(purpose, requestId, null, null, false);
        }

        /** The same read, made by the system for the person {@code subject} about a change. */
        public Read onBehalfOf(String subject, String change) {
            return new Read(purpose, requestId, subject, change, redactedOnly);
        }

        /** The same read, for a reader who may see only redacted bodies. */
        public Read redactedOnly(boolean only) {
            return new Read(purpose, requestId, triggeredBy, changeId, only);
        }
    }
}
