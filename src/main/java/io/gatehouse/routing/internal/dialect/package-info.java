/**
 * Client dialects other than OpenAI chat (issue 17): each a codec at the edge of the chat pipeline,
 * in its own sub-package, reading its body into the canonical request and rendering the answer and
 * stream events back in its own shape.
 */
package io.gatehouse.routing.internal.dialect;
