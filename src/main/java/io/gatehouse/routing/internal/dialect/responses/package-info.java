/**
 * The OpenAI Responses dialect ({@code POST /v1/responses}, {@code GET /v1/responses/{id}}): a
 * codec at the edge of the chat pipeline. It reads its body into the chat request the pipeline
 * parses, renders the answer and the stream's events back in the Responses shape, and keeps stored
 * responses under the tenant's content retention. Keys, limits, budgets, stages, policy, failover
 * and the audit event are the pipeline's, as for chat.
 */
package io.gatehouse.routing.internal.dialect.responses;
