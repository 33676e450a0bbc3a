package io.gatehouse.shared;

/**
 * Fired (synchronously) at startup in demo mode, once the edge has seeded the demo tenant or found
 * it seeded: the one place demo seeding starts from. Each module seeds its own demo data (catalog,
 * prompts, policy) by observing it, in its own transaction, without looking the tenant up in
 * another module. Not fired outside demo mode.
 */
public record DemoTenantReady(TenantId tenant) {}
