package io.gatehouse.shared;

/**
 * Fired (synchronously) once the database schema is migrated to the version this build expects.
 * Modules that seed data or warm caches at startup observe it instead of the CDI startup event, so
 * nothing touches JPA before Flyway has run.
 */
public record SchemaReady(String schemaVersion) {}
