package io.gatehouse.prompts.internal;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.DraftTestCall;
import io.gatehouse.governance.EvaluationAnswer;
import io.gatehouse.governance.EvaluationCall;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.stage.EvaluationCalls;
import io.gatehouse.routing.stage.OverriddenCalls;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.routing.stage.TestCallOf;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Kind {@code prompt}: the target is the prompt's name, the content a template version and the
 * label it goes live on. Publishing creates the version (or reuses an identical one) and points the
 * label at it. A prompt version needs one approval by default (LOW; HIGH when it moves a live
 * prompt to another route); tenants may ask for more.
 */
@ApplicationScoped
public class PromptChangeKind implements ChangeKind {
    @Inject PromptRegistry registry;
    @Inject OverriddenCalls calls;
    @Inject EvaluationCalls evaluations;

    @Override
    public String kind() {
        return "prompt";
    }

    /**
     * Gateway request events name the {@value io.gatehouse.audit.LineageKeys#PROMPT_VERSION} they
     * used.
     */
    @Override
    public Optional<String> lineageKey() {
        return Optional.of(io.gatehouse.audit.LineageKeys.PROMPT_VERSION);
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        PromptContent.checkName(target);
        return PromptContent.parse(content).toJson();
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        return registry.live(tenant, target);
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return registry.committedVersion(tenant, target);
    }

    /**
     * LOW (template text, variables, label, canary), except that moving a live prompt to another
     * route is HIGH: policies match on the route, so it changes which rules and providers its
     * requests meet.
     */
    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        if (live.isPresent()
                && !Objects.equals(
                        live.get().content().getString("route", null),
                        proposed.getString("route", null))) {
            return RiskClass.HIGH;
        }
        return RiskClass.LOW;
    }

    @Override
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        Caller p = context.publisher();
        int v =
                registry.apply(
                        tenant,
                        target,
                        PromptContent.parse(content),
                        context,
                        new PromptRegistry.Publisher(
                                p.kind().name().toLowerCase(Locale.ROOT), p.subject(), false));
        return String.valueOf(v);
    }

    /** The gateway names a prompt version {@code <name>/v<n>} ({@link PublishedVersion#id()}). */
    @Override
    public String lineageVersion(String target, String version) {
        return PublishedVersion.id(target, Integer.parseInt(version));
    }

    @Override
    public boolean offersTestCall() {
        return true;
    }

    /**
     * The draft's messages rendered with the call's variables before the call's own messages, sent
     * as {@code prompt:<name>@<label>} through the gateway with the draft attached ({@link
     * PromptDraft}): over the draft's route, under the tenant's live policies, limits and budget.
     * Variables are checked against the draft's schema first (400 naming {@code
     * prompt_variables.<name>}); a model may not be given (the draft names its route).
     */
    @Override
    public DraftTestCall.Answer testCall(DraftTestCall call) {
        noModel(call.model());
        PromptContent draft = PromptContent.parse(call.content());
        VariableSchema.validate(draft.variables(), call.variables());
        OverriddenCalls.Result r =
                calls.chat(
                        call.caller(),
                        call.requestId(),
                        body(call.target(), draft.label(), call.messages(), call.variables()),
                        draftOverride(call.changeId(), call.target(), draft),
                        new TestCallOf(call.changeId(), call.revision(), call.contentSha256()));
        return new DraftTestCall.Answer(
                r.status(),
                r.text(),
                r.route(),
                r.provider(),
                r.model(),
                r.inputTokens(),
                r.outputTokens(),
                r.costMicros(),
                r.requestId(),
                r.errorCode(),
                r.errorMessage());
    }

    @Override
    public boolean offersEvaluation() {
        return true;
    }

    /**
     * A golden-set case (issue 23) shaped like the test call: the candidate's messages rendered
     * with the case's variables before the case's own messages, sent as {@code
     * prompt:<name>@<label>} with the candidate attached ({@link PromptDraft}) over its route; the
     * live side sends the same to the live version's label without an override.
     */
    @Override
    public EvaluationAnswer evaluate(EvaluationCall call) {
        noModel(call.model());
        if (call.candidate() == null) {
            String label =
                    registry.live(call.tenant(), call.target())
                            .map(v -> v.content().getString("label", "production"))
                            .orElse("production");
            return evaluations.chat(
                    call.tenant(),
                    call.requestId(),
                    body(call.target(), label, call.messages(), call.variables()),
                    new StageOverrides(),
                    call.of());
        }
        PromptContent draft = PromptContent.parse(call.candidate());
        VariableSchema.validate(draft.variables(), call.variables());
        return evaluations.chat(
                call.tenant(),
                call.requestId(),
                body(call.target(), draft.label(), call.messages(), call.variables()),
                draftOverride(call.of().changeId(), call.target(), draft),
                call.of());
    }

    private static void noModel(String model) {
        if (model != null) {
            throw new ValidationException(
                    "model",
                    "A prompt's call runs over the draft's own route (content.route); leave model"
                            + " out");
        }
    }

    /**
     * The chat body of a test call or an evaluation: the prompt's label, messages (left out when
     * there are none: the gateway then takes the prompt's as the whole conversation), variables.
     */
    static JsonObject body(String target, String label, JsonArray messages, JsonObject variables) {
        JsonObjectBuilder body =
                Json.createObjectBuilder().add("model", PromptStage.PREFIX + target + "@" + label);
        if (messages != null && !messages.isEmpty()) {
            // none: a case given by its variables alone, the prompt's messages are the chat
            body.add("messages", messages);
        }
        if (variables != null) {
            body.add("prompt_variables", variables);
        }
        return body.build();
    }

    /** The draft attached to the one exchange: the version it would publish, unnumbered. */
    private static StageOverrides draftOverride(
            java.util.UUID changeId, String target, PromptContent draft) {
        PublishedVersion version =
                new PublishedVersion(
                        target,
                        0,
                        draft.messages(),
                        draft.variables(),
                        draft.route(),
                        draft.parameters());
        return new StageOverrides().with(PromptDraft.class, new PromptDraft(changeId, version));
    }
}
