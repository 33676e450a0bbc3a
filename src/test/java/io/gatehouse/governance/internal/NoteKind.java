package io.gatehouse.governance.internal;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A kind of change for {@code ChangeTransitionsIT}: notes with nothing live to compare against, low
 * risk; its {@code apply} can be told to fail once, as a kind's own write would.
 */
@ApplicationScoped
public class NoteKind implements ChangeKind {
    static final String KIND = "it-note";
    private final AtomicBoolean failNextApply = new AtomicBoolean();
    private final AtomicInteger versions = new AtomicInteger();

    void failNextApply() {
        failNextApply.set(true);
    }

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        return content;
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        return Optional.empty();
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return Optional.empty();
    }

    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        return RiskClass.LOW;
    }

    @Override
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        if (failNextApply.getAndSet(false)) {
            throw new IllegalStateException("the kind's own write failed");
        }
        return String.valueOf(versions.incrementAndGet());
    }
}
