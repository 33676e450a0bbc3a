package io.gatehouse.policy.internal.engine;

import io.gatehouse.routing.stage.ProviderTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What the policies decided for one stage of one request, with its explanation: which rules matched
 * (as {@code version/rule:action}) and which failed to evaluate.
 */
public final class Decision {
    /** A restriction on providers from one rule; {@link #allows} is what routing's filter asks. */
    public record Restriction(String explanation, Predicate<ProviderTarget> allows) {}

    boolean denied;
    String denyCode;
    String denyMessage;
    String denyRule;
    boolean failedClosed;
    boolean guardUnavailable;
    final Set<String> redact = new LinkedHashSet<>();
    // case-folded: a rule's tool name holds for the tool however a call spells it
    final Map<String, Set<String>> toolRedact =
            new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final List<Restriction> restrictions = new ArrayList<>();
    int classification = -1;
    final Set<String> flags = new LinkedHashSet<>();
    final List<String> matched = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final Set<String> versions = new LinkedHashSet<>();

    public boolean denied() {
        return denied;
    }

    public String denyCode() {
        return denyCode;
    }

    public String denyMessage() {
        return denyMessage;
    }

    public String denyRule() {
        return denyRule;
    }

    /** True when the denial is a failed evaluation of a fail-closed policy. */
    public boolean failedClosed() {
        return failedClosed;
    }

    /** True when the denial is a guard that failed with {@code onError: deny}. */
    public boolean guardUnavailable() {
        return guardUnavailable;
    }

    public Set<String> redact() {
        return Set.copyOf(redact);
    }

    /**
     * Entity types to mask in one tool's arguments and results: the request-wide ones and those of
     * rules scoped to that tool.
     */
    public Set<String> redactFor(String tool) {
        Set<String> own = tool == null ? null : toolRedact.get(tool);
        if (own == null) {
            return Set.copyOf(redact);
        }
        Set<String> all = new LinkedHashSet<>(redact);
        all.addAll(own);
        return all;
    }

    /** True when something is to be masked anywhere (messages or any tool's traffic). */
    public boolean redacts() {
        return !redact.isEmpty() || !toolRedact.isEmpty();
    }

    public List<Restriction> restrictions() {
        return List.copyOf(restrictions);
    }

    /** The classification rules raised to, or -1 when none did. */
    public int classification() {
        return classification;
    }

    public Set<String> flags() {
        return Set.copyOf(flags);
    }

    public List<String> matched() {
        return List.copyOf(matched);
    }

    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The policy versions that took part, e.g. {@code [global:baseline@v2, pii@v3]}. */
    public Set<String> versions() {
        return Set.copyOf(versions);
    }

    public String outcome() {
        if (denied) {
            return "deny";
        }
        if (redacts() || !restrictions.isEmpty() || classification >= 0 || !flags.isEmpty()) {
            return "modify";
        }
        return "allow";
    }

    /** The explanation for the audit event: only strings, integers, booleans, lists and maps. */
    public Map<String, Object> explain() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("outcome", outcome());
        m.put("matched", List.copyOf(matched));
        if (denied) {
            m.put("code", denyCode);
            m.put("rule", denyRule);
        }
        if (!redact.isEmpty()) {
            m.put("redacted", List.copyOf(redact));
        }
        if (!toolRedact.isEmpty()) {
            Map<String, Object> byTool = new LinkedHashMap<>();
            toolRedact.forEach((t, types) -> byTool.put(t, List.copyOf(types)));
            m.put("redacted_in_tools", byTool);
        }
        if (!restrictions.isEmpty()) {
            m.put("restrictions", restrictions.stream().map(Restriction::explanation).toList());
        }
        if (classification >= 0) {
            m.put("classification", classification);
        }
        if (!flags.isEmpty()) {
            m.put("flags", List.copyOf(flags));
        }
        if (!errors.isEmpty()) {
            m.put("errors", List.copyOf(errors));
        }
        return m;
    }
}
