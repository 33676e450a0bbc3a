package io.gatehouse.routing.stage;

import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * One gateway call as it moves through the stages. Routing creates it from the client's request;
 * stages read and change it. Not thread-safe: one request, one thread at a time.
 */
public final class GatewayExchange {
    private final TenantId tenant;
    private final String keyId;
    private final String requestId;
    private final String operation;
    private String model;
    private ChatRequest request;
    private final Map<String, String> headers;
    private int classification;
    private Predicate<ProviderTarget> providerFilter = t -> true;
    private final List<String> providerRestrictions = new ArrayList<>();
    private String answerText;
    private List<ChatMessage.ToolCall> answerToolCalls = List.of();
    private List<String> signedInput = List.of();
    private final Map<String, Object> auditDetails = new LinkedHashMap<>();
    private final Map<String, String> responseHeaders = new LinkedHashMap<>();
    private final Map<String, String> versions = new LinkedHashMap<>();
    private final Map<Class<?>, Object> attachments = new HashMap<>();
    private final Map<String, jakarta.json.JsonValue> defaultParameters = new LinkedHashMap<>();
    private boolean contentRedacted;
    private boolean contentWithheld;

    /**
     * @param operation {@code chat} or {@code embeddings}
     * @param request the client's request as parsed; its model is what the client asked for: a
     *     route alias or {@code prompt:<name>@<label>}
     * @param headers selected request headers (lower-case names), never credentials
     */
    public GatewayExchange(
            TenantId tenant,
            String keyId,
            String requestId,
            String operation,
            ChatRequest request,
            Map<String, String> headers) {
        this.tenant = Objects.requireNonNull(tenant);
        this.keyId = keyId;
        this.requestId = requestId;
        this.operation = operation;
        this.request = Objects.requireNonNull(request);
        this.model = request.model();
        this.headers = Map.copyOf(headers);
    }

    /** An exchange of messages only (see {@link ChatRequest#of}). */
    public GatewayExchange(
            TenantId tenant,
            String keyId,
            String requestId,
            String operation,
            String model,
            JsonObject promptVariables,
            List<ChatMessage> messages,
            Map<String, String> headers) {
        this(
                tenant,
                keyId,
                requestId,
                operation,
                ChatRequest.of(model, messages, promptVariables),
                headers);
    }

    public TenantId tenant() {
        return tenant;
    }

    public String keyId() {
        return keyId;
    }

    public String requestId() {
        return requestId;
    }

    public String operation() {
        return operation;
    }

    /**
     * The route alias to use (a prompt stage replaces {@code prompt:...} with the prompt's route).
     */
    public String model() {
        return model;
    }

    public void model(String routeAlias) {
        this.model = routeAlias;
    }

    /** The client's {@code prompt_variables}, or null. */
    public JsonObject promptVariables() {
        return request.promptVariables();
    }

    /** The request as the stages have left it so far. */
    public ChatRequest request() {
        return request;
    }

    /**
     * Replaces the request with a changed copy (e.g. {@code request().withMessages(...)}). Once a
     * stage did, routing renders the provider's body from the request instead of forwarding the
     * client's bytes.
     */
    public void request(ChatRequest changed) {
        this.request = Objects.requireNonNull(changed);
    }

    /** The request's messages in order (unmodifiable; change them with {@link #request}). */
    public List<ChatMessage> messages() {
        return request.messages();
    }

    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Text of the request that reaches the provider exactly as the client sent it, outside {@link
     * #request}: an earlier turn's extended thinking, which the provider's signature covers. Stages
     * scan it like the messages but cannot change it: one that would (a redaction) must refuse the
     * request instead.
     */
    public List<String> signedInput() {
        return signedInput;
    }

    public void signedInput(List<String> texts) {
        this.signedInput = texts == null ? List.of() : List.copyOf(texts);
    }

    /** Data classification of the request: 0 public, 1 internal, 2 confidential, 3 restricted. */
    public int classification() {
        return classification;
    }

    /** Raises (never lowers) the classification. */
    public void raiseClassification(int level) {
        this.classification = Math.max(this.classification, level);
    }

    /** Restricts which providers routing may use; restrictions accumulate (all must allow). */
    public void restrictProviders(String why, Predicate<ProviderTarget> allowed) {
        providerFilter = providerFilter.and(allowed);
        providerRestrictions.add(why);
    }

    public boolean providerAllowed(ProviderTarget target) {
        return target.clearance() >= classification && providerFilter.test(target);
    }

    /** Why providers were restricted, for the error a client sees when none is left. */
    public List<String> providerRestrictions() {
        return List.copyOf(providerRestrictions);
    }

    /** The full answer text (non-streaming) after the provider call; stages may replace it. */
    public String answerText() {
        return answerText;
    }

    public void answerText(String text) {
        this.answerText = text;
    }

    /**
     * The tool calls of the answer's choice the answer stages are looking at (non-streaming; empty
     * when it calls none); stages may replace them (e.g. redacted arguments).
     */
    public List<ChatMessage.ToolCall> answerToolCalls() {
        return answerToolCalls;
    }

    public void answerToolCalls(List<ChatMessage.ToolCall> calls) {
        this.answerToolCalls = calls == null ? List.of() : List.copyOf(calls);
    }

    /** Extra details for the request's audit event (no secrets, no message content). */
    public Map<String, Object> auditDetails() {
        return auditDetails;
    }

    /** Extra response headers, e.g. {@code x-gatehouse-prompt-version}. */
    public Map<String, String> responseHeaders() {
        return responseHeaders;
    }

    /**
     * Records the version of what a stage applied to this request (a prompt version, the live
     * policies' versions), under the lineage key the stage reports it as (e.g. {@code
     * audit.LineageKeys.PROMPT_VERSION}); routing copies them into the request's audit event. A
     * second version under one key replaces the first.
     */
    public void stageVersion(String lineageKey, String version) {
        versions.put(Objects.requireNonNull(lineageKey), version);
    }

    /** The versions the stages reported, by lineage key (unmodifiable). */
    public Map<String, String> stageVersions() {
        return Collections.unmodifiableMap(versions);
    }

    /**
     * Attaches a stage's own state to this exchange, under a type only that stage uses (e.g. a
     * private record), for its later phases of the same request; it goes away with the exchange.
     */
    public <T> void attach(Class<T> key, T value) {
        attachments.put(Objects.requireNonNull(key), key.cast(value));
    }

    /** What was attached under {@code key}, or null. */
    public <T> T attachment(Class<T> key) {
        return key.cast(attachments.get(key));
    }

    /**
     * Request parameters (e.g. {@code temperature}, {@code max_tokens}) to use when the client's
     * request does not set them: a managed prompt's defaults. Only fields routing passes upstream
     * are applied.
     */
    public Map<String, jakarta.json.JsonValue> defaultParameters() {
        return defaultParameters;
    }

    /**
     * A stage removed sensitive data from the request or the answer (a policy redaction). The
     * request's retained content then has a redacted form of its own: the messages and answer as
     * the stages left them (docs/audit.md, "Content retention").
     */
    public void contentRedacted() {
        this.contentRedacted = true;
    }

    public boolean isContentRedacted() {
        return contentRedacted;
    }

    /**
     * A stage refused the request or its answer for what it holds (a policy deny, a redaction it
     * cannot make): no redacted form of the content exists, so the {@code redacted} retention
     * setting keeps nothing readable of this request.
     */
    public void contentWithheld() {
        this.contentWithheld = true;
    }

    public boolean isContentWithheld() {
        return contentWithheld;
    }
}
