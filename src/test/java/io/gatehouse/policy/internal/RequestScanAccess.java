package io.gatehouse.policy.internal;

import io.gatehouse.policy.internal.engine.RequestFacts;
import io.gatehouse.routing.stage.GatewayExchange;
import java.time.Instant;

/** Test access to the package-private request scan. */
final class RequestScanAccess {
  private RequestScanAccess() {}

  static RequestFacts facts(GatewayExchange ex) {
    return RequestScan.of(ex, Instant.now()).facts;
  }
}
