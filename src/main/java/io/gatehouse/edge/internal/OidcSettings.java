package io.gatehouse.edge.internal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The OpenID Connect provider's settings ({@code gatehouse.oidc.*}, docs/security.md "External
 * identities" and "Single sign-on"), read once for both of their readers: {@link TokenService} (the
 * provider's access tokens) and {@link OidcSignIn} (the console's sign-in through it). Both name
 * the same issuer and sign-in client, so they cannot disagree about them.
 */
@ApplicationScoped
public class OidcSettings {
    @Inject
    @ConfigProperty(name = "gatehouse.public.url", defaultValue = "http://localhost:9080")
    String publicUrl;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.issuer")
    Optional<String> issuer;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.jwks.url")
    Optional<String> jwksUrl;

    /**
     * After a failed JWKS refresh, how long jose4j keeps the cached keys before it tries again.
     * Every failure renews it, so known keys keep verifying for as long as the issuer is down; it
     * is also how long a key the issuer removed keeps verifying after a failed refresh (until a
     * refresh succeeds). 0 drops the cache on the first failure.
     */
    @Inject
    @ConfigProperty(name = "gatehouse.oidc.jwks.retain.on.error.seconds", defaultValue = "300")
    long jwksRetainOnErrorSeconds;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.audience", defaultValue = "gatehouse")
    String audience;

    /** The console's sign-in client at the provider: its ID tokens name it as their audience. */
    @Inject
    @ConfigProperty(name = "gatehouse.oidc.client.id")
    Optional<String> clientId;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.client.secret")
    Optional<String> clientSecret;

    /** Where the discovery document is; by default the issuer's well-known address. */
    @Inject
    @ConfigProperty(name = "gatehouse.oidc.discovery.url")
    Optional<String> discoveryUrl;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.scopes", defaultValue = "openid profile email")
    String scopes;

    /** What the login page calls the provider: "Sign in with <name>". */
    @Inject
    @ConfigProperty(name = "gatehouse.oidc.provider.name", defaultValue = "single sign-on")
    String providerName;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.roles.claim", defaultValue = "groups")
    String rolesClaim;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.tenant.claim", defaultValue = "gh_tenant")
    String tenantClaim;

    @Inject
    @ConfigProperty(name = "gatehouse.oidc.default.tenant")
    Optional<String> defaultTenant;

    /**
     * {@code external-group=role;other=role2}: maps the issuer's group names to Gatehouse roles.
     */
    @Inject
    @ConfigProperty(name = "gatehouse.oidc.role.map")
    Optional<String> roleMap;

    /**
     * The server's public address without a trailing slash: the built-in issuer, and where the
     * provider sends a person back after sign-in.
     */
    public String publicBase() {
        return publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public Optional<String> issuer() {
        return issuer;
    }

    public Optional<String> jwksUrl() {
        return jwksUrl;
    }

    public long jwksRetainOnErrorSeconds() {
        return jwksRetainOnErrorSeconds;
    }

    /** The audience the provider's access tokens must name (never the sign-in client id). */
    public String audience() {
        return audience;
    }

    public Optional<String> clientId() {
        return clientId;
    }

    public Optional<String> clientSecret() {
        return clientSecret;
    }

    /** The discovery document's address: the setting, or the issuer's well-known address. */
    public String discoveryUrl() {
        String iss = issuer.orElseThrow();
        return discoveryUrl.orElse(
                (iss.endsWith("/") ? iss.substring(0, iss.length() - 1) : iss)
                        + "/.well-known/openid-configuration");
    }

    public String scopes() {
        return scopes;
    }

    public String providerName() {
        return providerName;
    }

    /** The claim (a dotted path) that carries the person's groups. */
    public String rolesClaim() {
        return rolesClaim;
    }

    public String tenantClaim() {
        return tenantClaim;
    }

    public Optional<String> defaultTenant() {
        return defaultTenant;
    }

    /** The role map, parsed: the issuer's group name to a Gatehouse role's wire name. */
    public Map<String, String> roleMap() {
        Map<String, String> m = new HashMap<>();
        roleMap.ifPresent(
                s -> {
                    for (String pair : s.split(";")) {
                        String[] kv = pair.split("=", 2);
                        if (kv.length == 2) {
                            m.put(kv[0].trim(), kv[1].trim());
                        }
                    }
                });
        return m;
    }
}
