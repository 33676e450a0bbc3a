/**
 * The egress rule every outbound call passes (provider base URLs, webhooks): which hosts and
 * addresses Gatehouse may reach, per platform and per tenant allow-list. Public so edge and routing
 * share one rule.
 */
package io.gatehouse.shared.net;
