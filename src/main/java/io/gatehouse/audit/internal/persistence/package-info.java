/**
 * The audit trail in PostgreSQL: the group-committed hash chain per tenant, its verifier,
 * checkpoint and signing-key rows, retention rows and the lineage and event queries.
 */
package io.gatehouse.audit.internal.persistence;
