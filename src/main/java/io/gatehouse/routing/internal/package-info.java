/**
 * The gateway's implementation, one sub-package per concern: {@code pipeline} (the request path
 * from the parsed body to the single audit record), {@code catalog} (providers, models and routes:
 * snapshots, the cache, change kinds, the demo seed), {@code provider} (adapters speaking each
 * provider's dialect), {@code resilience} (breakers, bulkheads, retry budget), {@code persistence}
 * and {@code web}. Nothing lives directly in this package (ArchitectureTest).
 */
package io.gatehouse.routing.internal;
