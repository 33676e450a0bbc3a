package io.gatehouse.governance.internal;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.governance.internal.persistence.GoldenSetRows;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ValidationException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.transaction.Transactional;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Kind {@code golden_set} (issue 23): the target is the set's name, the content its bindings, cases
 * and minimum pass rate ({@link GoldenSetContent}). Publishing writes the set's next version in the
 * publish's transaction; the highest version is live. A change of a target a live set binds is
 * evaluated against it ({@link EvaluationTriggers}).
 */
@ApplicationScoped
public class GoldenSetChangeKind implements ChangeKind {
    static final String KIND = "golden_set";
    static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

    @Inject GoldenSetRows rows;
    @Inject ChangeKinds kinds;

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        if (tenant == null) {
            throw new ValidationException("kind", "A golden set belongs to a tenant");
        }
        if (target == null || !NAME.matcher(target).matches()) {
            throw new ValidationException(
                    "target", "A golden set's name must match " + NAME.pattern());
        }
        GoldenSetContent.parse(content, this::evaluable);
        return content;
    }

    /** Whether a kind of this installation offers evaluation (a set may bind it). */
    boolean evaluable(String kind) {
        return kinds.find(kind).map(ChangeKind::offersEvaluation).orElse(false);
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        return rows.live(tenant.value(), target)
                .map(
                        r ->
                                new LiveVersion(
                                        String.valueOf(r.version()),
                                        JsonInput.readObject(r.content())));
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return rows.live(tenant.value(), target).map(r -> String.valueOf(r.version()));
    }

    /**
     * LOW only for a minimum pass rate kept or raised with the same bindings and the same cases.
     * Anything else is HIGH: a new set, a binding changed, a case removed or changed, the pass rate
     * lowered, and also cases added (easy cases dilute a failing one: the pass rate is passed /
     * cases).
     */
    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        return live.isPresent() && onlyStricter(proposed, live.get().content())
                ? RiskClass.LOW
                : RiskClass.HIGH;
    }

    static boolean onlyStricter(JsonObject proposed, JsonObject live) {
        return proposed.get("binds").equals(live.get("binds"))
                && proposed.get("cases").equals(live.get("cases"))
                && proposed.getJsonNumber("minPassRate")
                                .bigDecimalValue()
                                .compareTo(live.getJsonNumber("minPassRate").bigDecimalValue())
                        >= 0;
    }

    @Override
    @Transactional(Transactional.TxType.MANDATORY)
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        GoldenSetContent set = GoldenSetContent.parse(content, this::evaluable);
        int v =
                rows.insertNext(
                        tenant.value(),
                        target,
                        content.toString(),
                        set.binds().stream().map(GoldenSetContent.Binding::key).toList(),
                        context.changeId(),
                        context.publisher().subject());
        return String.valueOf(v);
    }
}
