package io.gatehouse.governance.internal;

import io.gatehouse.audit.RetainedRequests;
import io.gatehouse.shared.JsonInput;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.Map;

/**
 * Golden-set case skeletons from retained gateway requests (issue 23, "Captured cases"): each
 * retained request becomes {@code {"id": "captured-<short>", "input": {"messages", "variables",
 * "model"}, "expect": [], "source": {"requestId", "contentHash"}}}, its answer goes to {@code
 * answers}, and a request id that is not the tenant's, or whose content is not kept, is listed in
 * {@code missing} with {@code not_found} or {@code not_retained}. Built from what the tenant keeps:
 * the full form, or the redacted one under the {@code redacted} setting ({@code forms} says which).
 */
public final class CapturedCases {
    /** How many request ids one capture takes. */
    public static final int MAX_IDS = 50;

    private CapturedCases() {}

    /** The answer for {@code requested} (in the order asked), given what the tenant's log holds. */
    public static JsonObject of(
            Collection<String> requested, Map<String, RetainedRequests.Retained> found) {
        JsonArrayBuilder cases = Json.createArrayBuilder();
        JsonObjectBuilder answers = Json.createObjectBuilder();
        JsonObjectBuilder forms = Json.createObjectBuilder();
        JsonArrayBuilder missing = Json.createArrayBuilder();
        for (String id : requested) {
            RetainedRequests.Retained r = found.get(id);
            JsonObject kept = r == null || !r.retained() ? null : kept(r.body());
            if (kept == null) {
                missing.add(
                        Json.createObjectBuilder()
                                .add("requestId", id)
                                .add("reason", r == null ? "not_found" : "not_retained"));
                continue;
            }
            String caseId = caseId(id);
            JsonObjectBuilder input = Json.createObjectBuilder();
            JsonArrayBuilder messages = Json.createArrayBuilder();
            for (JsonValue v : kept.getJsonArray("messages")) {
                if (v instanceof JsonObject m) {
                    messages.add(
                            Json.createObjectBuilder()
                                    .add("role", m.getString("role", "user"))
                                    .add(
                                            "content",
                                            m.get("content") instanceof JsonString s
                                                    ? s.getString()
                                                    : ""));
                }
            }
            JsonArray built = messages.build();
            if (!built.isEmpty()) { // none: a managed prompt's call given by its variables
                input.add("messages", built);
            }
            if (kept.get("variables") instanceof JsonObject vars) {
                input.add("variables", vars);
            }
            String model = r.route() != null ? r.route() : kept.getString("model", null);
            if (model != null) {
                input.add("model", model);
            }
            cases.add(
                    Json.createObjectBuilder()
                            .add("id", caseId)
                            .add("input", input)
                            .add("expect", JsonValue.EMPTY_JSON_ARRAY)
                            .add(
                                    "source",
                                    Json.createObjectBuilder()
                                            .add("requestId", id)
                                            .add("contentHash", r.contentHash())));
            if (kept.get("answer") instanceof JsonString a) {
                answers.add(caseId, a.getString());
            }
            forms.add(caseId, r.form());
        }
        return Json.createObjectBuilder()
                .add("cases", cases)
                .add("answers", answers)
                .add("forms", forms)
                .add("missing", missing)
                .build();
    }

    /**
     * {@code captured-} and the request id's characters a case id allows (the server's ids are
     * {@code req_} and 24 hex digits: the first 16 of them), at most 64 characters.
     */
    static String caseId(String requestId) {
        String s = requestId.startsWith("req_") ? requestId.substring(4) : requestId;
        StringBuilder sb = new StringBuilder("captured-");
        for (int i = 0; i < s.length() && sb.length() < 25; i++) {
            char c = s.charAt(i);
            boolean ok =
                    (c >= 'a' && c <= 'z')
                            || (c >= 'A' && c <= 'Z')
                            || (c >= '0' && c <= '9')
                            || c == '.'
                            || c == '_'
                            || c == '-';
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    /** The kept body when it is a gateway request's (it has messages), else null. */
    private static JsonObject kept(String body) {
        try {
            JsonObject o = JsonInput.readObject(body);
            return o.get("messages") instanceof JsonArray ? o : null;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
