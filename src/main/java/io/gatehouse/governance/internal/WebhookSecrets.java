package io.gatehouse.governance.internal;

import java.util.UUID;

/** The SecretBox context a webhook's secret is sealed under (binds the sealed text to its row). */
final class WebhookSecrets {
    private WebhookSecrets() {}

    static String context(UUID webhookId) {
        return "governance.webhook:" + webhookId;
    }
}
