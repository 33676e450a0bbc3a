/**
 * Provider adapters: the built-in sandbox, OpenAI-compatible (OpenAI, Azure OpenAI, vLLM, Ollama,
 * ...) and Anthropic Messages, all speaking OpenAI's shapes to the rest of the gateway; plus the
 * HTTP transport and its SSRF guard.
 */
package io.gatehouse.routing.internal.provider;
