/**
 * The audit services: recording gateway and governance events, signed checkpoints, exports, lineage
 * queries, retention of content, and the scheduled jobs that drive them.
 */
package io.gatehouse.audit.internal;
