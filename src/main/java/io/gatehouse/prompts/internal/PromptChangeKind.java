package io.gatehouse.prompts.internal;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.DraftTestCall;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.stage.OverriddenCalls;
import io.gatehouse.routing.stage.StageOverrides;
import io.gatehouse.routing.stage.TestCallOf;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
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
        if (call.model() != null) {
            throw new ValidationException(
                    "model",
                    "A prompt's test call runs over the draft's own route (content.route); leave"
                            + " model out");
        }
        PromptContent draft = PromptContent.parse(call.content());
        VariableSchema.validate(draft.variables(), call.variables());
        // the person's own test-call bucket before any further work (429 when spent)
        calls.admit(call.caller());
        PublishedVersion version =
                new PublishedVersion(
                        call.target(),
                        0,
                        draft.messages(),
                        draft.variables(),
                        draft.route(),
                        draft.parameters());
        JsonObjectBuilder body =
                Json.createObjectBuilder()
                        .add("model", PromptStage.PREFIX + call.target() + "@" + draft.label())
                        .add("messages", call.messages());
        if (call.variables() != null) {
            body.add("prompt_variables", call.variables());
        }
        OverriddenCalls.Result r =
                calls.chat(
                        call.caller(),
                        call.requestId(),
                        body.build(),
                        new StageOverrides()
                                .with(PromptDraft.class, new PromptDraft(call.changeId(), version)),
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
}
