/**
 * Around Liberty's {@code @Transactional} interceptor: expected client errors leave transactional
 * methods without an FFDC incident.
 */
package io.gatehouse.shared.internal.tx;
