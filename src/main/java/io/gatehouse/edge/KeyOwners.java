package io.gatehouse.edge;

import io.gatehouse.shared.TenantId;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Who answers for an API key: the person who created it. Four eyes on a key's actions (a held MCP
 * tool call) means this person may not approve them, whichever of their tokens they use.
 */
public interface KeyOwners {
    /**
     * The subject (as {@code Caller.subject()}) of the key's creator, if the key is the tenant's.
     */
    Optional<String> creator(TenantId tenant, UUID keyId);

    /**
     * The creators of the key and of every key it was rotated from (a rotation makes the rotating
     * admin the new key's creator; whoever created its predecessors still answers for it).
     */
    Set<String> creators(TenantId tenant, UUID keyId);

    /**
     * The key as it stands now (its current scope), read from the database: empty when it is
     * revoked, expired or not the tenant's. A held call approved minutes later runs only if this
     * still says so.
     */
    Optional<ClientKey> active(TenantId tenant, UUID keyId);

    /** Whether the tenant is active (not suspended), read from the database. */
    boolean tenantActive(TenantId tenant);
}
