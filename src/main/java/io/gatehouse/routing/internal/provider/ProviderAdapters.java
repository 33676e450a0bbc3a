package io.gatehouse.routing.internal.provider;

import io.gatehouse.shared.net.EgressPolicy;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The adapter for each provider kind, sharing one pooled HTTP transport (through the outbound proxy
 * when one is configured, trusting the configured CA bundle on https). Every adapter that calls out
 * checks the tenant's egress rules first; the sandbox runs in-process and needs none.
 */
@ApplicationScoped
public class ProviderAdapters {
    @Inject EgressPolicy egress;

    private final SandboxAdapter sandbox = new SandboxAdapter();
    private OpenAiAdapter openai;
    private AnthropicAdapter anthropic;

    @PostConstruct
    void init() {
        HttpTransport http = new HttpTransport(egress.proxy(), egress.tls());
        openai = new OpenAiAdapter(http, egress);
        anthropic = new AnthropicAdapter(http, egress);
    }

    /**
     * The adapter that serves guard endpoints (moderation, classification) of OpenAI-compatible
     * servers, or empty for a kind that has none.
     */
    public java.util.Optional<OpenAiAdapter> guardEndpoints(String kind) {
        return "openai".equals(kind) || "azure-openai".equals(kind)
                ? java.util.Optional.of(openai)
                : java.util.Optional.empty();
    }

    public ProviderAdapter forKind(String kind) {
        return switch (kind) {
            case "sandbox" -> sandbox;
            case "openai", "azure-openai" -> openai;
            case "anthropic" -> anthropic;
            default -> throw new IllegalArgumentException("unknown provider kind " + kind);
        };
    }
}
