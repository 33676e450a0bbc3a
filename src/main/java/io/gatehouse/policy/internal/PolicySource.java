package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.CompiledPolicy;
import io.gatehouse.shared.TenantId;
import java.util.List;

/** The live policies that apply to a tenant's requests: global ones first, then the tenant's. */
public interface PolicySource {
    List<CompiledPolicy> policiesFor(TenantId tenant);
}
