package io.gatehouse.routing.internal.catalog;

import io.gatehouse.routing.stage.ProviderTarget;

/** A route target resolved against the catalog: where one attempt of a request may go. */
public record Candidate(Provider provider, Model model, int weight, int position) {
    public ProviderTarget target() {
        return new ProviderTarget(
                provider.name(), model.name(), provider.region(), provider.clearance());
    }

    /** Input plus output price per million tokens: what lowest-cost compares. */
    public long unitPrice() {
        return model.inputPriceMicros() + model.outputPriceMicros();
    }
}
