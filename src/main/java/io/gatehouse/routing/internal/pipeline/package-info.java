/**
 * The gateway pipeline shared by every operation (chat, embeddings): admission of the client's body
 * into an exchange, the request-path stages, route selection, attempts with failover, the SSE
 * relay, and the request's single accounting-and-audit record; plus guard-model calls, the answer
 * cache, metrics and tracing. It depends on {@code catalog}, {@code provider} and {@code
 * resilience}, never on {@code web} (ArchitectureTest).
 */
package io.gatehouse.routing.internal.pipeline;
