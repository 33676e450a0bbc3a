package io.gatehouse.routing.internal.provider;

import jakarta.enterprise.context.ApplicationScoped;

/** The adapter for each provider kind, sharing one pooled HTTP transport. */
@ApplicationScoped
public class ProviderAdapters {
  private final HttpTransport http = new HttpTransport();
  private final SandboxAdapter sandbox = new SandboxAdapter();
  private final OpenAiAdapter openai = new OpenAiAdapter(http);
  private final AnthropicAdapter anthropic = new AnthropicAdapter(http);

  public ProviderAdapter forKind(String kind) {
    return switch (kind) {
      case "sandbox" -> sandbox;
      case "openai", "azure-openai" -> openai;
      case "anthropic" -> anthropic;
      default -> throw new IllegalArgumentException("unknown provider kind " + kind);
    };
  }
}
