/** Policy versions in PostgreSQL ({@code policy_versions}); the only place that touches JPA. */
package io.gatehouse.policy.internal.persistence;
