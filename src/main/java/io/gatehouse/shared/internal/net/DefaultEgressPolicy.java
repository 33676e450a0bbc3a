package io.gatehouse.shared.internal.net;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.net.EgressGuard;
import io.gatehouse.shared.net.EgressPolicy;
import io.gatehouse.shared.net.EgressRule;
import io.gatehouse.shared.net.TenantEgressAllowList;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@link EgressPolicy} from configuration and the tenants' allow-lists. Operator entries: {@code
 * gatehouse.egress.allow} (comma-separated {@code destination[:port]}) and, when set, the demo's
 * benchmark upstream ({@code gatehouse.bench.upstream}: its host on its port only). A bad entry or
 * proxy setting is logged and fails closed: the entry allows nothing; a bad proxy refuses every
 * destination rather than sending around it. A CA bundle ({@code gatehouse.tls.ca.bundle}, PEM) is
 * trusted by every outbound TLS connection in addition to the JDK's authorities ({@code
 * gatehouse.tls.ca.bundle.only=true}: instead of them); one that cannot be read refuses every
 * destination likewise.
 */
@ApplicationScoped
public class DefaultEgressPolicy implements EgressPolicy {
    private static final Logger LOG = Logger.getLogger(DefaultEgressPolicy.class.getName());

    @Inject
    @ConfigProperty(name = "gatehouse.egress.allow")
    Optional<String> allowSetting;

    @Inject
    @ConfigProperty(name = "gatehouse.egress.proxy")
    Optional<String> proxySetting;

    @Inject
    @ConfigProperty(name = "gatehouse.bench.upstream")
    Optional<String> benchUpstream;

    @Inject
    @ConfigProperty(name = "gatehouse.tls.ca.bundle")
    Optional<String> caBundleSetting;

    @Inject
    @ConfigProperty(name = "gatehouse.tls.ca.bundle.only", defaultValue = "false")
    boolean caBundleOnly;

    @Inject Instance<TenantEgressAllowList> tenantLists;

    private List<EgressRule> operatorRules = List.of();
    private Optional<InetSocketAddress> proxy = Optional.empty();
    private String proxyError;
    private SSLContext tls;
    private String tlsError;
    private EgressGuard.Resolver resolver = EgressGuard.DNS;
    private volatile TenantEgressAllowList tenants;

    public DefaultEgressPolicy() {}

    /** Outside CDI (tests): the same settings, no tenant lists unless given. */
    DefaultEgressPolicy(
            String allow,
            String proxySetting,
            String benchUpstream,
            EgressGuard.Resolver resolver,
            TenantEgressAllowList tenants) {
        this.allowSetting = Optional.ofNullable(allow);
        this.proxySetting = Optional.ofNullable(proxySetting);
        this.benchUpstream = Optional.ofNullable(benchUpstream);
        this.caBundleSetting = Optional.empty();
        this.resolver = resolver;
        this.tenants = tenants;
        init();
    }

    @PostConstruct
    void init() {
        List<EgressRule> rules = new ArrayList<>();
        for (String item : allowSetting.orElse("").split(",")) {
            if (item.isBlank()) {
                continue;
            }
            try {
                rules.add(EgressRule.parse(item));
            } catch (IllegalArgumentException e) {
                LOG.severe("GATEHOUSE_EGRESS_ALLOW entry ignored: " + e.getMessage());
            }
        }
        benchUpstream
                .filter(s -> !s.isBlank())
                .ifPresent(
                        url -> {
                            try {
                                URI u = URI.create(url.trim());
                                rules.add(EgressRule.of(EgressGuard.host(u), EgressGuard.port(u)));
                            } catch (IllegalArgumentException | NullPointerException e) {
                                LOG.severe(
                                        "GATEHOUSE_BENCH_UPSTREAM is not a usable URL; no egress entry for it");
                            }
                        });
        operatorRules = List.copyOf(rules);
        proxySetting
                .filter(s -> !s.isBlank())
                .ifPresent(
                        p -> {
                            try {
                                URI u = URI.create(p.trim());
                                if (!"http".equalsIgnoreCase(u.getScheme())
                                        || u.getHost() == null
                                        || u.getPort() < 1
                                        || u.getRawUserInfo() != null) {
                                    throw new IllegalArgumentException(
                                            "proxy must be http://host:port");
                                }
                                proxy =
                                        Optional.of(
                                                InetSocketAddress.createUnresolved(
                                                        EgressGuard.resolvableHost(u),
                                                        u.getPort()));
                            } catch (IllegalArgumentException e) {
                                proxyError = "the configured outbound proxy is invalid";
                                LOG.severe(
                                        "GATEHOUSE_EGRESS_PROXY must be http://host:port; refusing all egress until fixed");
                            }
                        });
        if (!operatorRules.isEmpty()) {
            LOG.info("Egress allowed by configuration for every tenant: " + operatorRules);
        }
        caBundleSetting.filter(s -> !s.isBlank()).ifPresent(this::loadCaBundle);
    }

    private void loadCaBundle(String file) {
        try {
            var certs = CaBundle.read(Path.of(file.trim()));
            tls = CaBundle.context(certs, caBundleOnly);
            LOG.info(
                    "Outbound TLS trusts "
                            + certs.size()
                            + " certificate(s) of GATEHOUSE_TLS_CA_BUNDLE"
                            + (caBundleOnly ? " only" : " in addition to the JDK's authorities"));
        } catch (Exception e) {
            tlsError = "the configured CA bundle cannot be read";
            LOG.severe(
                    "GATEHOUSE_TLS_CA_BUNDLE ("
                            + file
                            + ") is not a readable PEM certificate bundle ("
                            + e.getMessage()
                            + "); refusing all egress until fixed");
        }
    }

    @Override
    public Optional<String> refused(TenantId tenant, URI uri) {
        if (proxyError != null) {
            return Optional.of(proxyError);
        }
        if (tlsError != null) {
            return Optional.of(tlsError);
        }
        List<EgressRule> rules = operatorRules;
        List<EgressRule> own = tenantRules(tenant);
        if (!own.isEmpty()) {
            rules = new ArrayList<>(operatorRules);
            rules.addAll(own);
        }
        return EgressGuard.refused(uri, rules, proxy.isPresent() ? null : resolver);
    }

    private List<EgressRule> tenantRules(TenantId tenant) {
        if (tenant == null) {
            return List.of();
        }
        TenantEgressAllowList lists = tenants;
        if (lists == null) {
            if (tenantLists == null || !tenantLists.isResolvable()) {
                return List.of();
            }
            lists = tenants = tenantLists.get();
        }
        return lists.rules(tenant);
    }

    @Override
    public Optional<InetSocketAddress> proxy() {
        return proxy;
    }

    @Override
    public SSLContext tls() {
        return tls != null ? tls : EgressPolicy.super.tls();
    }

    /** The operator's entries (for tests and the startup log). */
    List<EgressRule> operatorRules() {
        return operatorRules;
    }
}
