/**
 * The gateway's implementation: the request path ({@code GatewayService}), validation, strategies,
 * the answer cache, the catalog cache, change kinds for providers and routes, and the demo seed.
 */
package io.gatehouse.routing.internal;
