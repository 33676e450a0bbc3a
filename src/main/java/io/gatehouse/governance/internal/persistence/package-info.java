/**
 * Governance's tables (change requests, reviews, comments, approval policies, webhooks) via JPA.
 */
package io.gatehouse.governance.internal.persistence;
