/**
 * The API-gateway layer: identities and tokens, API keys, tenants and their suspension, logins
 * under attack, signing keys, rate limits and budgets leased from a shared quota, egress
 * allow-lists, demo seeding of the edge objects.
 */
package io.gatehouse.edge.internal;
