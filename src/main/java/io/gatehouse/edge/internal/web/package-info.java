/**
 * Edge resources and filters: authentication before resource matching, roles, security headers and
 * CORS, rate-limit headers, and the /api/v1 resources for auth, users, tenants, keys, limits,
 * signing keys and egress allow-lists.
 */
package io.gatehouse.edge.internal.web;
