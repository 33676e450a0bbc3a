/**
 * Client dialects of chat (issue 17): each sub-package is one API shape clients speak (Anthropic
 * Messages, OpenAI Responses), a codec at the edge of the chat pipeline reading its body into the
 * canonical request and rendering the answer and stream events back in its own shape. Below the
 * pipeline nothing knows them.
 */
package io.gatehouse.routing.internal.dialect;
