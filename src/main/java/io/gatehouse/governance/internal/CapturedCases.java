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
import java.util.Set;

/**
 * Golden-set case skeletons from retained gateway requests (issue 23, "Captured cases"): each
 * retained request becomes {@code {"id": "captured-<short>", "input": {"messages", "variables",
 * "model"}, "expect": [], "source": {"requestId", "contentHash"}}}, its answer goes to {@code
 * answers}, and a request id that is not the tenant's, or whose content is not kept, is listed in
 * {@code missing} with {@code not_found} or {@code not_retained}. Built from what the tenant keeps:
 * the full form, or the redacted one under the {@code redacted} setting ({@code forms} says which).
 * Only admins see the full form: for an author a request kept in full is {@code missing} as {@code
 * full_content} (its body is neither read nor named in the audited read).
 *
 * <p>Given the bindings of the set the cases are for ({@link For}), each case is shaped the way
 * that set's rules want ({@link GoldenSetContent}): for prompts, no model (a case runs over the
 * prompt's own route), the variables of a call to a bound managed prompt, the caller's own
 * messages; for routes, the messages alone; for policies, the messages and the model (the route
 * alias the request used, or the managed prompt it named, with its variables). A request that gives
 * no such case (a route's or policy's case needs messages) is {@code missing} as {@code unfit}.
 */
public final class CapturedCases {
    /** How many request ids one capture takes. */
    public static final int MAX_IDS = 50;

    private CapturedCases() {}

    /**
     * The bindings of the set the cases are for: the kinds and targets of its {@code binds}. {@link
     * #ANY}: no set named, the request as it was (messages, variables, route alias).
     */
    public record For(Set<String> kinds, Set<String> targets) {
        public static final For ANY = new For(Set.of(), Set.of());

        boolean prompts() {
            return kinds.contains("prompt");
        }

        boolean policies() {
            return kinds.contains("policy");
        }

        boolean routesOnly() {
            return !kinds.isEmpty() && kinds.stream().allMatch("route"::equals);
        }
    }

    /** As {@link #of(Collection, Map, For)} for no set in particular ({@link For#ANY}). */
    public static JsonObject of(
            Collection<String> requested, Map<String, RetainedRequests.Retained> found) {
        return of(requested, found, For.ANY);
    }

    /** The answer for {@code requested} (in the order asked), given what the tenant's log holds. */
    public static JsonObject of(
            Collection<String> requested, Map<String, RetainedRequests.Retained> found, For set) {
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
                                .add(
                                        "reason",
                                        r == null
                                                ? "not_found"
                                                : r.withheld() ? "full_content" : "not_retained"));
                continue;
            }
            String caseId = caseId(id);
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
            JsonObject input = input(kept, built, r.route(), set);
            if (input == null) {
                missing.add(Json.createObjectBuilder().add("requestId", id).add("reason", "unfit"));
                continue;
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
     * A case's input from the kept body for {@code set}, or null when the request gives none that
     * the set may run.
     */
    static JsonObject input(JsonObject kept, JsonArray messages, String route, For set) {
        JsonObjectBuilder input = Json.createObjectBuilder();
        boolean hasMessages = !messages.isEmpty(); // none: a managed prompt's call by variables
        JsonObject variables =
                kept.get("variables") instanceof JsonObject v && !v.isEmpty() ? v : null;
        String model = kept.getString("model", null);
        if (set.prompts()) {
            // over the prompt's own route: no model; its variables only when the call named a
            // bound prompt (another prompt's variables mean nothing to it)
            String named = model == null ? null : promptName(model);
            boolean bound = named != null && set.targets().contains(named);
            if (!bound) {
                variables = null;
            }
            if (!hasMessages && variables == null) {
                return null;
            }
            if (hasMessages) {
                input.add("messages", messages);
            }
            if (variables != null) {
                input.add("variables", variables);
            }
            return input.build();
        }
        if (set.routesOnly()) {
            // over the route itself: its messages alone
            return hasMessages ? input.add("messages", messages).build() : null;
        }
        if (set.policies()) {
            if (!hasMessages) {
                return null;
            }
            input.add("messages", messages);
            if (model != null && promptName(model) != null) {
                // the managed prompt it named, with its variables: the same call again
                input.add("model", model);
                if (variables != null) {
                    input.add("variables", variables);
                }
            } else {
                String alias = route != null ? route : model;
                if (alias == null) {
                    return null;
                }
                input.add("model", alias);
            }
            return input.build();
        }
        if (hasMessages) {
            input.add("messages", messages);
        }
        if (variables != null) {
            input.add("variables", variables);
        }
        String alias = route != null ? route : model;
        if (alias != null) {
            input.add("model", alias);
        }
        return input.build();
    }

    /** The prompt's name of a managed prompt's model ({@code prompt:<name>[@<label>]}), or null. */
    static String promptName(String model) {
        if (!model.startsWith(PROMPT_PREFIX)) {
            return null;
        }
        String rest = model.substring(PROMPT_PREFIX.length());
        int at = rest.indexOf('@');
        return at < 0 ? rest : rest.substring(0, at);
    }

    /** How a chat call names a managed prompt (routing's literal, as in its catalog content). */
    static final String PROMPT_PREFIX = "prompt:";

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
