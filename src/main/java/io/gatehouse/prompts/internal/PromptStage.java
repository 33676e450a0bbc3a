package io.gatehouse.prompts.internal;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.routing.stage.ChatMessage;
import io.gatehouse.routing.stage.GatewayExchange;
import io.gatehouse.routing.stage.GatewayStage;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a managed prompt on the request path (order 100, before policy): a request whose model is
 * {@code prompt:<name>@<label>} gets the label's published (or canary) version, its variables
 * checked against the schema, its messages put before the request's own, and the version's route.
 */
@ApplicationScoped
public class PromptStage implements GatewayStage {
    public static final String PREFIX = "prompt:";
    public static final String VERSION_HEADER = "x-gatehouse-prompt-version";

    @Inject PromptCache cache;

    @Override
    public int order() {
        return 100;
    }

    @Override
    public void beforeRouting(GatewayExchange exchange) {
        String model = exchange.model();
        if (model == null || !model.startsWith(PREFIX)) {
            return;
        }
        PromptRef ref = PromptRef.parse(model);
        if (!"chat".equals(exchange.operation())) {
            throw new ValidationException("model", "Managed prompts are for chat completions");
        }
        PromptDraft draft = exchange.attachment(PromptDraft.class);
        if (draft != null && draft.version().prompt().equals(ref.name())) {
            render(exchange, draft.version());
            // a draft is no version: nothing for lineage's version columns or the header
            Map<String, Object> audit = exchange.auditDetails();
            audit.put("prompt", ref.name());
            audit.put("promptLabel", ref.label());
            audit.put("promptDraftOf", draft.changeId().toString());
            return;
        }
        ResolvedLabel resolved =
                cache.get(exchange.tenant(), ref.name(), ref.label())
                        .orElseThrow(
                                () ->
                                        new GatehouseException(
                                                404,
                                                "model_not_found",
                                                "The prompt '"
                                                        + ref.name()
                                                        + "' has no published version at label '"
                                                        + ref.label()
                                                        + "'"));
        PublishedVersion v = resolved.choose(exchange.requestId());
        render(exchange, v);
        exchange.stageVersion(LineageKeys.PROMPT_VERSION, v.id());
        exchange.responseHeaders().put(VERSION_HEADER, v.id());
        Map<String, Object> audit = exchange.auditDetails();
        audit.put("prompt", ref.name());
        audit.put("promptLabel", ref.label());
        audit.put("promptVersion", v.version());
        audit.put("promptCanary", resolved.canary() != null && v == resolved.canary());
    }

    /**
     * The version's messages (variables checked and filled in) before the request's own, its route
     * and its default parameters.
     */
    private static void render(GatewayExchange exchange, PublishedVersion v) {
        JsonObject variables = exchange.promptVariables();
        VariableSchema.validate(v.variables(), variables);
        JsonObject properties = VariableSchema.properties(v.variables());
        List<ChatMessage> rendered = new ArrayList<>();
        for (JsonValue m : v.messages()) {
            JsonObject o = m.asJsonObject();
            rendered.add(
                    new ChatMessage(
                            o.getString("role"),
                            PromptTemplate.render(o.getString("content"), variables, properties),
                            true));
        }
        rendered.addAll(exchange.messages());
        exchange.request(exchange.request().withMessages(rendered));
        exchange.model(v.route());
        if (v.parameters() != null) {
            exchange.defaultParameters().putAll(v.parameters());
        }
    }

    /** {@code prompt:<name>@<label>}; the label defaults to production. */
    record PromptRef(String name, String label) {
        static PromptRef parse(String model) {
            String rest = model.substring(PREFIX.length());
            int at = rest.lastIndexOf('@');
            String name = at < 0 ? rest : rest.substring(0, at);
            String label = at < 0 ? PromptContent.DEFAULT_LABEL : rest.substring(at + 1);
            if (!PromptContent.NAME.matcher(name).matches()
                    || !PromptContent.LABEL.matcher(label).matches()) {
                throw new ValidationException(
                        "model", "A managed prompt is named prompt:<name>@<label>");
            }
            return new PromptRef(name, label);
        }
    }
}
