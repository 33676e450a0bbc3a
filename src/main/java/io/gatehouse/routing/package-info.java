/**
 * The model gateway: the OpenAI-compatible API, the provider catalog and adapters, route
 * strategies, failover with per-provider circuit breakers, and token/cost accounting. It defines
 * the stages of the request path that the prompt and policy modules plug into, without knowing
 * them.
 */
package io.gatehouse.routing;
