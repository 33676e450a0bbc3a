/**
 * The database at startup and at run time: Flyway migrations as the owner role, readiness and
 * liveness checks.
 */
package io.gatehouse.shared.internal.db;
