/**
 * Error types with an HTTP status and a stable code; mapped to problem JSON or OpenAI error JSON.
 */
package io.gatehouse.shared.error;
