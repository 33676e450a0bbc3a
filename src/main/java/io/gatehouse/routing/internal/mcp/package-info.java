/**
 * The MCP gateway (issue 18): upstream MCP servers published through governance (change kind {@code
 * mcp_server}), their registry cached per tenant, and the JSON-RPC methods {@code /mcp} answers
 * ({@code initialize}, {@code tools/list}, {@code tools/call}) for client API keys. Every tool call
 * passes the request-path stages (input and output policy) through the neutral stage API, the key's
 * rate limits, the upstream call under the egress rules, and one audit event. See docs/mcp.md.
 */
package io.gatehouse.routing.internal.mcp;
