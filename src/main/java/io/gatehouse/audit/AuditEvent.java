package io.gatehouse.audit;

import io.gatehouse.shared.Caller;
import io.gatehouse.shared.StorableText;
import io.gatehouse.shared.TenantId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Something Gatehouse did, as the audit trail records it. Details must hold only strings, integers,
 * booleans, nulls, lists and maps of those (they are hashed in canonical JSON) and never secrets.
 *
 * <p>New facts go into details under <b>namespaced keys</b>: dotted, lowercase, e.g. {@code
 * client.request_id}, {@code trace.id}, {@code tool.calls} ({@link #NAMESPACED_KEY}; the undotted
 * keys of earlier events stay as they are). Data that is only for display (a user's display name)
 * goes into {@code display}, which is stored beside the hashed form, never inside it.
 *
 * <p>Long on purpose: the event, its builder and the rules every event obeys (namespaced keys,
 * storable text, display data) are one contract that every module writes against.
 *
 * @param tenant the tenant's chain; {@code null} for platform events (tenant administration,
 *     startup)
 * @param actorKind user, api_key, system or anonymous
 * @param actor who acted (user id, key id, job name, or the claimed username of a failed login)
 * @param action dotted verb, e.g. {@code auth.login}, {@code key.revoke}, {@code gateway.request}
 * @param targetType kind of object acted on, e.g. {@code api_key}; may be null
 * @param targetId id of the object acted on; may be null
 * @param outcome what came of it
 * @param details small structured context (no secrets)
 * @param requestId the server's id of the request the action belonged to ({@code X-Request-Id} of
 *     the answer; a client's own id is the detail {@code client.request_id})
 * @param usage accounting fields of a gateway request; null for other events
 * @param content the request's prompt and response bodies (JSON values), or null; kept out of the
 *     chain: the event carries only its hash, and the body is stored apart according to the
 *     tenant's retention setting (none, hashed, redacted, full) and purged when it expires
 * @param redactedContent the same bodies with sensitive data removed (what the policy module
 *     produced), stored instead of {@code content} under the {@code redacted} setting; may be null
 * @param display display-only data (not hashed, not evidence), e.g. {@code user.display_name}
 */
public record AuditEvent(
        TenantId tenant,
        String actorKind,
        String actor,
        String action,
        String targetType,
        String targetId,
        Outcome outcome,
        Map<String, Object> details,
        String requestId,
        GatewayUsage usage,
        Object content,
        Object redactedContent,
        Map<String, Object> display) {

    /**
     * A dotted details key: lowercase segments of letters, digits and underscores, at least two
     * ({@code client.request_id}). A key with a dot must have this form.
     */
    public static final java.util.regex.Pattern NAMESPACED_KEY =
            java.util.regex.Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+");

    /** {@link #NAMESPACED_KEY} without a regex (it runs for every event). */
    public static boolean isNamespacedKey(String k) {
        boolean segmentStart = true;
        int segments = 1;
        for (int i = 0; i < k.length(); i++) {
            char c = k.charAt(i);
            if (segmentStart) {
                if (c < 'a' || c > 'z') {
                    return false;
                }
                segmentStart = false;
            } else if (c == '.') {
                segmentStart = true;
                segments++;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                return false;
            }
        }
        return !segmentStart && segments >= 2;
    }

    public enum Outcome {
        SUCCESS,
        FAILURE,
        DENIED,
        ERROR;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Detail key listing the fields whose text was escaped for storage (see {@link StorableText}).
     */
    public static final String ESCAPED_DETAIL = "audit.escaped";

    /**
     * Detail key of versions reported twice with different values (see {@code mergeVersions}): by
     * lineage key, both values, so that neither is lost and the event is still written.
     */
    public static final String VERSIONS_CONFLICT_DETAIL = "versions_conflict";

    /**
     * Every text is made storable here, once, when the event is built: U+0000 and unpaired
     * surrogates (which PostgreSQL refuses or mangles) are escaped as <code>&#92;u0000</code>/
     * <code>&#92;ud800</code> text, and {@link #ESCAPED_DETAIL} lists the fields where that
     * happened. Clean events are only scanned.
     */
    public AuditEvent {
        Objects.requireNonNull(actorKind, "actorKind");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
        List<String> escaped = new ArrayList<>(0);
        actorKind = escaped(actorKind, "actorKind", escaped);
        actor = escaped(actor, "actor", escaped);
        action = escaped(action, "action", escaped);
        targetType = escaped(targetType, "targetType", escaped);
        targetId = escaped(targetId, "targetId", escaped);
        requestId = escaped(requestId, "requestId", escaped);
        Map<String, Object> d = new LinkedHashMap<>();
        if (details != null) {
            Object clean = StorableText.sanitize(details);
            if (clean != details) {
                escaped.add("details");
            }
            ((Map<?, ?>) clean).forEach((k, v) -> d.put((String) k, v));
        }
        if (usage != null) {
            GatewayUsage u = usage.storable();
            if (u != usage) {
                escaped.add("usage");
                usage = u;
            }
            // versions without a column of their own are kept (and hashed) in the details
            Map<String, String> other = new LinkedHashMap<>();
            usage.versions()
                    .forEach(
                            (k, v) -> {
                                if (!LineageKeys.VERSION_COLUMNS.contains(k)) {
                                    other.put(k, v);
                                }
                            });
            if (!other.isEmpty()) {
                mergeVersions(d, other);
            }
        }
        if (content != null) {
            Object c = StorableText.sanitize(content);
            if (c != content) {
                escaped.add("content");
                content = c;
            }
        }
        if (redactedContent != null) {
            Object c = StorableText.sanitize(redactedContent);
            if (c != redactedContent) {
                escaped.add("redactedContent");
                redactedContent = c;
            }
        }
        if (!escaped.isEmpty() && !d.containsKey(ESCAPED_DETAIL)) {
            d.put(ESCAPED_DETAIL, List.copyOf(escaped));
        }
        details = d.isEmpty() ? Map.of() : java.util.Collections.unmodifiableMap(d);
        if (display != null) {
            Object clean = StorableText.sanitize(display);
            display =
                    java.util.Collections.unmodifiableMap(
                            new LinkedHashMap<>((Map<String, Object>) clean));
        } else {
            display = Map.of();
        }
        for (String k : details.keySet()) {
            if (k.indexOf('.') >= 0 && !isNamespacedKey(k)) {
                throw new IllegalArgumentException(
                        "Audit details key \""
                                + k
                                + "\" is dotted but not namespaced (e.g. client.request_id)");
            }
        }
    }

    /** An event with content, without display data. */
    public AuditEvent(
            TenantId tenant,
            String actorKind,
            String actor,
            String action,
            String targetType,
            String targetId,
            Outcome outcome,
            Map<String, Object> details,
            String requestId,
            GatewayUsage usage,
            Object content,
            Object redactedContent) {
        this(
                tenant,
                actorKind,
                actor,
                action,
                targetType,
                targetId,
                outcome,
                details,
                requestId,
                usage,
                content,
                redactedContent,
                null);
    }

    /**
     * The versions detail when usage reports versions without a column: merged with versions the
     * details already hold (an event rebuilt from a stored one carries both, equal), so none is
     * dropped. Two different versions under one lineage key, or a versions detail that is not a
     * map, keep both sides: the details' value stays in {@code versions}, and {@link
     * #VERSIONS_CONFLICT_DETAIL} holds, by lineage key, {@code [details' value, usage's value]} (a
     * versions detail that is not a map is kept there whole, under {@code versions}). Never an
     * exception: on the gateway path that would turn a served, billed request into a 500 with no
     * audit event.
     */
    static void mergeVersions(Map<String, Object> details, Map<String, String> reported) {
        Object existing = details.get(LineageKeys.VERSIONS_DETAIL);
        Map<String, Object> merged = new LinkedHashMap<>();
        Map<String, Object> conflicts = new LinkedHashMap<>();
        if (existing instanceof Map<?, ?> m) {
            m.forEach((k, v) -> merged.put(String.valueOf(k), v));
        } else if (existing != null) {
            conflicts.put(LineageKeys.VERSIONS_DETAIL, existing);
        }
        reported.forEach(
                (k, v) -> {
                    Object before = merged.putIfAbsent(k, v);
                    if (before != null && !before.equals(v)) {
                        conflicts.put(k, java.util.Arrays.asList(before, v));
                    }
                });
        details.put(LineageKeys.VERSIONS_DETAIL, merged);
        if (!conflicts.isEmpty()) {
            details.put(VERSIONS_CONFLICT_DETAIL, conflicts);
        }
    }

    private static String escaped(String value, String field, List<String> escaped) {
        String s = StorableText.escape(value);
        if (s != value) {
            escaped.add(field);
        }
        return s;
    }

    /** This event with one more detail (kept if the key is already there). */
    public AuditEvent withDetail(String key, Object value) {
        if (details.containsKey(key)) {
            return this;
        }
        Map<String, Object> d = new LinkedHashMap<>(details);
        d.put(key, value);
        return new AuditEvent(
                tenant,
                actorKind,
                actor,
                action,
                targetType,
                targetId,
                outcome,
                d,
                requestId,
                usage,
                content,
                redactedContent,
                display);
    }

    /** An event without content. */
    public AuditEvent(
            TenantId tenant,
            String actorKind,
            String actor,
            String action,
            String targetType,
            String targetId,
            Outcome outcome,
            Map<String, Object> details,
            String requestId,
            GatewayUsage usage) {
        this(
                tenant,
                actorKind,
                actor,
                action,
                targetType,
                targetId,
                outcome,
                details,
                requestId,
                usage,
                null,
                null);
    }

    /** Display key of the actor's name when the event was written (username, key name, job). */
    public static final String ACTOR_NAME = "actor.name";

    /** Display key of the actor's roles when the event was written (wire names, sorted). */
    public static final String ACTOR_ROLES = "actor.roles";

    /**
     * Starts an event for an action by the given caller (its tenant becomes the event's chain). The
     * caller's name and roles go into {@code display} ({@link #ACTOR_NAME}, {@link #ACTOR_ROLES}):
     * beside the hashed form, never in it, so they are for people to read, not evidence.
     */
    public static Builder by(Caller caller, String action) {
        return new Builder(
                        caller.tenant(),
                        caller.kind().name().toLowerCase(java.util.Locale.ROOT),
                        caller.subject(),
                        action)
                .actorName(
                        caller.name(),
                        caller.roles().stream().map(io.gatehouse.shared.Role::wireName).toList());
    }

    public static Builder of(TenantId tenant, String actorKind, String actor, String action) {
        return new Builder(tenant, actorKind, actor, action);
    }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private TenantId tenant;
        private final String actorKind;
        private final String actor;
        private final String action;
        private String targetType;
        private String targetId;
        private Outcome outcome = Outcome.SUCCESS;
        private final Map<String, Object> details = new LinkedHashMap<>();
        private String requestId;
        private GatewayUsage usage;
        private Object content;
        private Object redactedContent;
        private final Map<String, Object> display = new LinkedHashMap<>();

        private Builder(TenantId tenant, String actorKind, String actor, String action) {
            this.tenant = tenant;
            this.actorKind = actorKind;
            this.actor = actor;
            this.action = action;
        }

        public Builder tenant(TenantId t) {
            this.tenant = t;
            return this;
        }

        public Builder target(String type, Object id) {
            this.targetType = type;
            this.targetId = id == null ? null : id.toString();
            return this;
        }

        public Builder outcome(Outcome o) {
            this.outcome = o;
            return this;
        }

        public Builder detail(String key, Object value) {
            this.details.put(key, value);
            return this;
        }

        public Builder details(Map<String, ?> more) {
            this.details.putAll(more);
            return this;
        }

        public Builder requestId(String id) {
            this.requestId = id;
            return this;
        }

        public Builder usage(GatewayUsage u) {
            this.usage = u;
            return this;
        }

        /**
         * The request's bodies (e.g. {@code {"messages": [...], "response": "..."}}), kept per the
         * tenant's retention setting; {@code redacted} is the version stored under "redacted".
         */
        public Builder content(Object full, Object redacted) {
            this.content = full;
            this.redactedContent = redacted;
            return this;
        }

        /**
         * Display-only data, stored beside the hashed form and never hashed (e.g. a display name).
         */
        public Builder display(String key, Object value) {
            this.display.put(key, value);
            return this;
        }

        /**
         * The actor's name and roles as they are now, for people to read ({@link #ACTOR_NAME},
         * {@link #ACTOR_ROLES} in {@code display}, outside the hash); empty roles are left out.
         */
        public Builder actorName(String name, java.util.Collection<String> roles) {
            if (name != null && !name.isEmpty()) {
                this.display.put(ACTOR_NAME, name);
            }
            if (roles != null && !roles.isEmpty()) {
                this.display.put(ACTOR_ROLES, roles.stream().sorted().toList());
            }
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(
                    tenant,
                    actorKind,
                    actor,
                    action,
                    targetType,
                    targetId,
                    outcome,
                    details,
                    requestId,
                    usage,
                    content,
                    redactedContent,
                    display);
        }
    }
}
