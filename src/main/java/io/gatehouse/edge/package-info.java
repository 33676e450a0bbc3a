/**
 * Edge security, the API-gateway layer: who is calling (people by JWT, client apps by API key), in
 * which tenant, within which limits and budgets, with a well-formed request. Nothing else in
 * Gatehouse sees a request the edge has not authenticated and scoped to a tenant.
 */
package io.gatehouse.edge;
