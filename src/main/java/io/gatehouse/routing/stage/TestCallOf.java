package io.gatehouse.routing.stage;

import io.gatehouse.audit.LineageKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Which draft a person's call ({@link OverriddenCalls}) tests: the change, the revision that ran
 * and a hash of that revision's content. Routing records it in the call's {@code gateway.request}
 * event under its own keys ({@code testCallOf}, {@code testCallRevision}, {@code
 * testCallContentSha256}), after the stages' and the call's own details, so nothing else can
 * overwrite or be overwritten by them, and also when the call fails before its exchange exists.
 *
 * @param changeId the change request
 * @param revision the change's revision whose content ran
 * @param contentSha256 hex SHA-256 of that content as stored
 */
public record TestCallOf(UUID changeId, int revision, String contentSha256) {
    public static final String REVISION = "testCallRevision";
    public static final String CONTENT_SHA256 = "testCallContentSha256";

    public TestCallOf {
        if (changeId == null || contentSha256 == null || revision < 1) {
            throw new IllegalArgumentException("a test call names a change, revision and hash");
        }
    }

    /** The audit details this call's event carries. */
    public Map<String, Object> details() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put(LineageKeys.TEST_CALL_OF, changeId.toString());
        d.put(REVISION, revision);
        d.put(CONTENT_SHA256, contentSha256);
        return d;
    }
}
