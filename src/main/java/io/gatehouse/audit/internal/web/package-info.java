/**
 * The auditor's HTTP API: search, export (JSON Lines, CSV), verify, signed checkpoints and their
 * public keys, retention and legal holds, and the lineage graph. Every query is scoped to the
 * caller's chain; another tenant's chain answers 404.
 */
package io.gatehouse.audit.internal.web;
