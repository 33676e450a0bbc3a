package io.gatehouse.governance.internal;

import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.DraftTestCall;
import io.gatehouse.governance.internal.persistence.ChangeRequestEntity;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.error.ConflictException;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;

/**
 * The test call through a change's draft (issue 21): who may make one, on which changes, with what
 * body; the kind (prompt, policy) runs it through the gateway with the draft applied to that one
 * call ({@link ChangeKind#testCall}). No transaction: the gateway call is recorded by the gateway
 * (its own audit event, naming the change under {@code testCallOf}), never with the change.
 */
@ApplicationScoped
public class ChangeTestCalls {
    /** Not yet published: what a test call may go through. */
    static final Set<ChangeState> TESTABLE =
            EnumSet.of(
                    ChangeState.DRAFT,
                    ChangeState.IN_REVIEW,
                    ChangeState.CHANGES_REQUESTED,
                    ChangeState.APPROVED);

    static final Set<String> FIELDS = Set.of("variables", "messages", "model");
    static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant");
    static final int MAX_MESSAGES = 50;
    static final int MAX_TEXT = 100_000;

    @Inject ChangeViews views;
    @Inject ChangeKinds kinds;

    /**
     * 403 without author, reviewer or admin; 404 for another tenant's change; 400 {@code
     * test_call_unsupported} for a kind without test calls; 409 {@code change_not_testable} once
     * published (or rejected, withdrawn, superseded); 400 naming the field for a bad body.
     */
    public DraftTestCall.Answer run(Caller caller, String requestId, UUID id, JsonObject body) {
        ChangeRequestService.requireAny(caller, Role.AUTHOR, Role.REVIEWER, Role.ADMIN);
        ChangeRequestEntity c = views.find(caller, id);
        ChangeKind k = kinds.named(c.kind());
        if (!k.offersTestCall()) {
            throw new GatehouseException(
                    400,
                    "test_call_unsupported",
                    "A test call goes through a prompt or policy draft; a "
                            + c.kind()
                            + " change offers none");
        }
        ChangeState state = ChangeState.fromWireName(c.state()).orElseThrow();
        if (!TESTABLE.contains(state)) {
            throw new ConflictException(
                    "change_not_testable",
                    "The change is "
                            + state.wireName()
                            + ": a test call goes through a change not yet published (draft, in"
                            + " review, changes requested or approved)");
        }
        for (String f : body.keySet()) {
            if (!FIELDS.contains(f)) {
                throw new ValidationException(
                        f,
                        "Unknown field '" + f + "'; a test call takes variables, messages, model");
            }
        }
        return k.testCall(
                new DraftTestCall(
                        caller,
                        requestId,
                        c.id(),
                        c.revision(),
                        c.target(),
                        JsonInput.readObject(c.content()),
                        variables(body),
                        messages(body),
                        model(body)));
    }

    static JsonObject variables(JsonObject body) {
        JsonValue v = body.get("variables");
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (v.getValueType() != JsonValue.ValueType.OBJECT) {
            throw new ValidationException("variables", "variables must be a JSON object");
        }
        return v.asJsonObject();
    }

    /**
     * Absent (or null): none, the kind decides whether it needs them (a prompt's own messages are
     * the conversation; a policy's test call needs some). Given: a non-empty array of at most 50
     * {role, content} with text content (what a client sends).
     */
    static JsonArray messages(JsonObject body) {
        JsonValue given = body.get("messages");
        if (given == null || given == JsonValue.NULL) {
            return null;
        }
        if (!(given instanceof JsonArray messages) || messages.isEmpty()) {
            throw new ValidationException(
                    "messages", "messages must be a non-empty array of {role, content}");
        }
        if (messages.size() > MAX_MESSAGES) {
            throw new ValidationException(
                    "messages", "too many messages (at most " + MAX_MESSAGES + ")");
        }
        for (int i = 0; i < messages.size(); i++) {
            String p = "messages[" + i + "]";
            if (!(messages.get(i) instanceof JsonObject m)) {
                throw new ValidationException(p, p + " must be an object {role, content}");
            }
            for (String f : m.keySet()) {
                if (!f.equals("role") && !f.equals("content")) {
                    throw new ValidationException(
                            p + "." + f, p + " has role and content only, not '" + f + "'");
                }
            }
            if (!(m.get("role") instanceof JsonString role) || !ROLES.contains(role.getString())) {
                throw new ValidationException(
                        p + ".role", p + ".role must be one of system, developer, user, assistant");
            }
            if (!(m.get("content") instanceof JsonString content)
                    || content.getString().isBlank()) {
                throw new ValidationException(p + ".content", p + ".content must be a text");
            }
            if (content.getString().length() > MAX_TEXT) {
                throw new ValidationException(
                        p + ".content", p + ".content is at most " + MAX_TEXT + " characters");
            }
        }
        return messages;
    }

    static String model(JsonObject body) {
        JsonValue v = body.get("model");
        if (v == null || v == JsonValue.NULL) {
            return null;
        }
        if (!(v instanceof JsonString s) || s.getString().isBlank()) {
            throw new ValidationException("model", "model must be a route alias (a text)");
        }
        if (s.getString().length() > 256) {
            throw new ValidationException("model", "model is too long");
        }
        return s.getString();
    }
}
