/** Per-provider circuit breakers and bulkheads, latency averages, and the failover retry budget. */
package io.gatehouse.routing.internal.resilience;
