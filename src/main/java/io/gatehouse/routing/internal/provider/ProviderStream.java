package io.gatehouse.routing.internal.provider;

import jakarta.json.JsonObject;
import java.util.Optional;

/**
 * An open streamed answer, as OpenAI {@code chat.completion.chunk} objects. {@link #next()} blocks
 * until the next chunk (bounded by the provider's timeout between chunks) and answers empty at the
 * end. Closing it cancels the provider call.
 */
public interface ProviderStream extends AutoCloseable {
  Optional<JsonObject> next() throws ProviderException;

  @Override
  void close();
}
