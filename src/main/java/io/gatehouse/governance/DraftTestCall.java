package io.gatehouse.governance;

import io.gatehouse.shared.Caller;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.util.UUID;

/**
 * A test call through a change's draft (issue 21), handed to {@link ChangeKind#testCall}: one call
 * through the real gateway path with the draft applied to that call only. Governance has checked
 * the caller (author, reviewer or admin of the change's tenant), the change's state (not yet
 * published) and the body's shape; the kind checks what is its own (variables against its schema,
 * whether a model may be given).
 *
 * @param caller the person making the call (its tenant is the change's)
 * @param requestId the id of the HTTP request, which becomes the gateway call's request id
 * @param changeId the change request (the call's audit event names it: {@code testCallOf})
 * @param revision the change's revision whose content runs (audit: {@code testCallRevision})
 * @param target the change's target (a prompt's or a policy's name)
 * @param content the change's proposed content as stored (validated, normalized)
 * @param variables the prompt variables to render with, or null
 * @param messages chat messages ({role, content}) sent after a prompt's own, or null when the body
 *     gave none (a prompt's own messages are then the conversation; a kind that needs them answers
 *     400 naming {@code messages})
 * @param model a route alias, or null
 */
public record DraftTestCall(
        Caller caller,
        String requestId,
        UUID changeId,
        int revision,
        String target,
        JsonObject content,
        JsonObject variables,
        JsonArray messages,
        String model) {

    /** The audit detail of the call's {@code gateway.request} event naming the change. */
    public static final String TEST_CALL_OF = io.gatehouse.audit.LineageKeys.TEST_CALL_OF;

    /**
     * Hex SHA-256 of the content as stored (its JSON text), recorded with the revision so that an
     * auditor can tell exactly which content a test call ran.
     */
    public String contentSha256() {
        try {
            byte[] d =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(
                                    content.toString()
                                            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What the call ended with: the gateway's status (200 answered; a denial by policy, a rate
     * limit or an upstream failure otherwise, with its code and message), the answer's text and
     * where it ran.
     */
    public record Answer(
            int status,
            String text,
            String route,
            String provider,
            String model,
            long inputTokens,
            long outputTokens,
            long costMicros,
            String requestId,
            String errorCode,
            String errorMessage) {}
}
