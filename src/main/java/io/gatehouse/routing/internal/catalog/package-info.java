/** The catalog as the request path sees it: immutable snapshots per tenant, prices, candidates. */
package io.gatehouse.routing.internal.catalog;
