package io.gatehouse.policy.internal;

import java.util.UUID;

/** A policy version went live; {@code tenant} null for a global policy. */
public record PolicyPublished(UUID tenant, String name, String version) {}
