package io.gatehouse.prompts.internal;

import io.gatehouse.shared.TenantId;

/** Fired inside a publish or rollback; after commit this instance drops its cached prompts at once. */
public record PromptsChanged(TenantId tenant, String prompt) {}
