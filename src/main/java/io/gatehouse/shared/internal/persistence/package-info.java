/**
 * The change feed polled from PostgreSQL: how caches on every instance learn that keys, tenants,
 * catalogs or policies changed, read by sequence number so no burst can hide a row.
 */
package io.gatehouse.shared.internal.persistence;
