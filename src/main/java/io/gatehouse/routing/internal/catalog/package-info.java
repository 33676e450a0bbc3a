/**
 * The provider catalog: immutable snapshots per tenant as the request path sees them (providers,
 * models, routes, prices, candidates), the snapshot cache kept fresh by the change feed, the
 * catalog's content rules and risk checks, its governed change kinds, and the demo seed.
 */
package io.gatehouse.routing.internal.catalog;
