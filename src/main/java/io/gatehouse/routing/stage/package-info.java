/**
 * The request path's extension points. The routing module runs every {@link
 * io.gatehouse.routing.stage.GatewayStage} CDI bean it finds, in {@code order()}, at fixed points
 * of a gateway call; prompts and policy plug in here without routing knowing them.
 */
package io.gatehouse.routing.stage;
