/**
 * JPA entities and JDBC queries behind the edge: users, tenants, keys, limit leases, login
 * failures, token revocations and signing keys.
 */
package io.gatehouse.edge.internal.persistence;
