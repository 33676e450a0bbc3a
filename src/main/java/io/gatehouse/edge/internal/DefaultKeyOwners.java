package io.gatehouse.edge.internal;

import io.gatehouse.edge.KeyOwners;
import io.gatehouse.edge.internal.persistence.ApiKeyEntity;
import io.gatehouse.edge.internal.persistence.JpaIdentity;
import io.gatehouse.shared.TenantId;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.UUID;

/** {@link KeyOwners} from the key's row ({@code created_by}), read as committed now. */
@ApplicationScoped
public class DefaultKeyOwners implements KeyOwners {
    @Inject JpaIdentity identity;

    @Override
    public Optional<String> creator(TenantId tenant, UUID keyId) {
        return identity.key(tenant.value(), keyId).map(ApiKeyEntity::createdBy);
    }
}
