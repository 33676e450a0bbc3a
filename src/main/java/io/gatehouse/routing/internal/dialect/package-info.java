/**
 * Client dialects of chat (issue 17): each sub-package is one API shape clients speak (Anthropic
 * Messages, OpenAI Responses) with its own resource, a codec at the edge of the chat pipeline
 * ({@code pipeline.ChatDialect}). Below the pipeline nothing knows them.
 */
package io.gatehouse.routing.internal.dialect;
