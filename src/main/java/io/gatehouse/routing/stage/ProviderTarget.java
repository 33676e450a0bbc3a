package io.gatehouse.routing.stage;

/**
 * A provider and model a request could go to, as stages see it.
 *
 * @param provider the provider's name in the catalog
 * @param model the provider's model name
 * @param region where the provider processes data, e.g. {@code eu-west}, {@code local}
 * @param clearance the highest data classification the provider is cleared for (0 public ... 3
 *     restricted)
 */
public record ProviderTarget(String provider, String model, String region, int clearance) {}
