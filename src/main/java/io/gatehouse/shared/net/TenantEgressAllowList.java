package io.gatehouse.shared.net;

import io.gatehouse.shared.TenantId;
import java.util.List;

/**
 * A tenant's egress allow-list as the guard reads it (implemented by the module that owns the
 * tenants and the list; read on every outbound call, so implementations cache).
 */
public interface TenantEgressAllowList {
    List<EgressRule> rules(TenantId tenant);
}
