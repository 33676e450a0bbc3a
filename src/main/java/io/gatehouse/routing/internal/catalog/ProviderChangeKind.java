package io.gatehouse.routing.internal.catalog;

import io.gatehouse.governance.ChangeContext;
import io.gatehouse.governance.ChangeKind;
import io.gatehouse.governance.LiveVersion;
import io.gatehouse.governance.RiskClass;
import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.crypto.SecretBox;
import io.gatehouse.shared.error.ValidationException;
import io.gatehouse.shared.net.EgressPolicy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Provider changes through governance. The credential is a secret field: {@link #validate} seals it
 * (bound to tenant and provider name) so that only sealed text is stored in the change; a change
 * without {@code credential} keeps the live one, {@code "credential": null} removes it. A new
 * provider, a changed credential and every change {@link CatalogRisk} does not list as tuning
 * (kind, base URL, region, clearance, models, options) is HIGH risk (two reviewers): each changes
 * where data may go or what a policy matches. A base URL on a private, loopback or link-local
 * address needs an entry in the tenant's egress allow-list, which only platform admins edit ({@link
 * EgressPolicy}).
 */
@ApplicationScoped
public class ProviderChangeKind implements ChangeKind {
    @Inject CatalogCache cache;
    @Inject CatalogRows store;
    @Inject CatalogWriter writer;
    @Inject SecretBox secrets;
    @Inject EgressPolicy egress;

    @Override
    public String kind() {
        return "provider";
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("credential");
    }

    @Override
    public JsonObject validate(TenantId tenant, String target, JsonObject content) {
        CatalogContent.checkProviderName(target);
        String sealed =
                SealedCredential.seal(secrets, content, Provider.credentialContext(tenant, target));
        CatalogRows.ProviderRow row =
                CatalogContent.provider(target, content, sealed); // throws when invalid
        if (row.baseUrl() != null) {
            // refused now (400) and again on every call: the tenant's egress allow-list may change
            egress.refused(tenant, URI.create(row.baseUrl()))
                    .ifPresent(
                            why -> {
                                throw new ValidationException(
                                        "content.baseUrl", "baseUrl refused: " + why);
                            });
        }
        return SealedCredential.stored(content, sealed);
    }

    @Override
    public Optional<LiveVersion> live(TenantId tenant, String target) {
        Provider p = cache.snapshot(tenant).providers().get(target);
        return p == null
                ? Optional.empty()
                : Optional.of(new LiveVersion(p.version(), CatalogContent.providerContent(p)));
    }

    @Override
    public Optional<String> committedVersion(TenantId tenant, String target) {
        return store.providerVersion(tenant, target);
    }

    /**
     * HIGH for a new provider, a changed credential, and whatever {@link
     * CatalogRisk#providerChange} finds (kind, base URL, region, clearance, models, enabling it,
     * any option but tuning ones); LOW only for tuning. Judged against {@code live}, the content
     * the change's diff and base came from.
     */
    @Override
    public RiskClass risk(
            TenantId tenant, String target, JsonObject proposed, Optional<LiveVersion> live) {
        if (live.isEmpty()) {
            return RiskClass.HIGH;
        }
        if (proposed.containsKey("credential") && credentialChanged(tenant, target, proposed)) {
            return RiskClass.HIGH;
        }
        String sealed = proposed.get("credential") instanceof JsonString s ? s.getString() : null;
        CatalogRows.ProviderRow row = CatalogContent.provider(target, proposed, sealed);
        return CatalogRisk.providerChange(live.get().content(), row).isEmpty()
                ? RiskClass.LOW
                : RiskClass.HIGH;
    }

    private boolean credentialChanged(TenantId tenant, String target, JsonObject proposed) {
        return SealedCredential.changed(
                secrets,
                proposed,
                store.providerCredential(tenant, target),
                Provider.credentialContext(tenant, target));
    }

    @Override
    public String apply(TenantId tenant, String target, JsonObject content, ChangeContext context) {
        String sealed =
                SealedCredential.applied(
                        secrets,
                        content,
                        Provider.credentialContext(tenant, target),
                        () -> store.providerCredential(tenant, target));
        CatalogRows.ProviderRow row = CatalogContent.provider(target, content, sealed);
        String version = context.changeId().toString();
        writer.writeProvider(tenant, row, version);
        return version;
    }
}
