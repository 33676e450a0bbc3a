package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.policy.internal.persistence.JpaPolicyVersions;
import io.gatehouse.policy.internal.persistence.PolicyVersionEntity;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live policies per tenant, cached for the hot path. A publish on this instance invalidates at
 * once (after commit); other instances notice within {@link #RECHECK_MILLIS} through a cheap
 * staleness stamp (count and latest publish time). Compiled policies are cached per version id, so
 * CEL is compiled once per version.
 */
@ApplicationScoped
public class LivePolicies implements PolicySource {
    static final long RECHECK_MILLIS = 2000;

    private record Entry(List<CompiledPolicy> policies, String stamp, long checkedAt) {}

    private static final UUID GLOBAL = new UUID(0, 0);

    @Inject JpaPolicyVersions versions;

    private final Map<UUID, Entry> byTenant = new ConcurrentHashMap<>();
    private final Map<UUID, CompiledPolicy> compiled = new ConcurrentHashMap<>();

    @Override
    public List<CompiledPolicy> policiesFor(TenantId tenant) {
        UUID key = tenant == null ? GLOBAL : tenant.value();
        long now = System.currentTimeMillis();
        Entry e = byTenant.get(key);
        if (e != null && now - e.checkedAt() < RECHECK_MILLIS) {
            return e.policies();
        }
        UUID t = tenant == null ? null : tenant.value();
        String stamp = versions.stamp(t);
        if (e != null && e.stamp().equals(stamp)) {
            byTenant.put(key, new Entry(e.policies(), stamp, now));
            return e.policies();
        }
        List<CompiledPolicy> loaded = new ArrayList<>();
        for (PolicyVersionEntity v : versions.liveFor(t)) {
            loaded.add(compiled.computeIfAbsent(v.getId(), id -> compile(v)));
        }
        List<CompiledPolicy> result = List.copyOf(loaded);
        byTenant.put(key, new Entry(result, stamp, now));
        return result;
    }

    static CompiledPolicy compile(PolicyVersionEntity v) {
        return CompiledPolicy.compile(
                v.getName(),
                v.label(),
                v.getTenantId() == null,
                Json.createReader(new StringReader(v.getContent())).readObject());
    }

    void onPublished(@Observes(during = TransactionPhase.AFTER_SUCCESS) PolicyPublished published) {
        if (published.tenant() == null) {
            byTenant.clear();
        } else {
            byTenant.remove(published.tenant());
        }
    }
}
