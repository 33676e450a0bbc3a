/**
 * The small kernel every module stands on: identifiers ({@link io.gatehouse.shared.TenantId}), the
 * caller of the current request, error types that become RFC 9457 problem JSON (or OpenAI error
 * JSON on {@code /v1}), and the sealing of stored secrets under the master key. It depends on no
 * other module.
 */
package io.gatehouse.shared;
