/**
 * The tamper-evident audit trail: append-only, hash-chained per tenant, durable before the caller
 * proceeds, searchable and exportable by auditors. It knows no other module: anyone may record,
 * nobody is called back.
 */
package io.gatehouse.audit;
