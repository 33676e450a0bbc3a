package io.gatehouse.shared;

/**
 * Fired (synchronously) on SIGTERM once the requests in flight have been answered (or the drain's
 * time is up), before Liberty's own stop begins: the audit writer commits its backlog now, inside
 * the pod's grace period, rather than only when the application is torn down.
 */
public record RequestsDrained() {}
