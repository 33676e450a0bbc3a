/**
 * The registry's implementation: content checks, variable schema, rendering, the canary split, the
 * cache of published prompts, the gateway stage, kind {@code prompt} of change, and demo seed data.
 */
package io.gatehouse.prompts.internal;
