/**
 * Anthropic's Messages API ({@code POST /v1/messages}) as a client dialect of chat: the body read
 * into the canonical request ({@link
 * io.gatehouse.routing.internal.dialect.messages.MessagesRequest}), the answer and stream events
 * rendered back in Anthropic's shapes ({@link
 * io.gatehouse.routing.internal.dialect.messages.MessagesAnswer}, {@link
 * io.gatehouse.routing.internal.dialect.messages.MessagesEvents}); errors in Anthropic's error
 * shape (the path decides it, {@code shared.error.ErrorBodies}).
 */
package io.gatehouse.routing.internal.dialect.messages;
