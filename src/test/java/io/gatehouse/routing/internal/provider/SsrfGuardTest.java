package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.net.EgressPolicy;
import io.gatehouse.shared.net.EgressRule;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SsrfGuardTest {
    static final TenantId TENANT = new TenantId(UUID.randomUUID());
    static final EgressPolicy NOTHING_ALLOWED = EgressPolicy.of(List.of());

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://169.254.169.254/latest/meta-data",
                "http://169.254.10.1/v1",
                "http://[fd00:ec2::254]/",
                "http://[fe80::1]/v1",
                "http://metadata.google.internal/computeMetadata/v1",
                "http://metadata.google.internal./computeMetadata/v1",
                "http://100.100.100.200/",
                "http://0.0.0.0:8080/v1",
                "http://127.0.0.1:8000/v1",
                "http://10.1.2.3/v1",
                "https://192.168.1.20/v1",
                "http://localhost:11434/v1",
                "http://[::1]:8000/v1",
                "file:///etc/passwd",
                "gopher://example.com/",
                "http://user:pw@example.com/v1"
            })
    void refusesPrivateLoopbackLinkLocalMetadataAndOddUrls(String url) {
        assertThatThrownBy(() -> SsrfGuard.check(NOTHING_ALLOWED, TENANT, URI.create(url)))
                .isInstanceOf(ProviderException.class)
                .hasMessageStartingWith("refused");
    }

    @Test
    void selfHostedModelsOnPrivateNetworksNeedAnEntry() {
        EgressPolicy allowed =
                EgressPolicy.of(
                        List.of(
                                EgressRule.parse("10.0.0.0/8"),
                                EgressRule.parse("localhost:11434")));
        assertThatCode(() -> SsrfGuard.check(allowed, TENANT, URI.create("http://10.1.2.3/v1")))
                .doesNotThrowAnyException();
        assertThatCode(
                        () ->
                                SsrfGuard.check(
                                        allowed, TENANT, URI.create("http://localhost:11434/v1")))
                .doesNotThrowAnyException();
        assertThatThrownBy(
                        () ->
                                SsrfGuard.check(
                                        allowed, TENANT, URI.create("http://localhost:5432/v1")))
                .hasMessageStartingWith("refused");
    }

    @Test
    void syntaxAloneNeverResolves() {
        assertThatCode(() -> SsrfGuard.checkSyntax(URI.create("http://10.1.2.3/v1")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> SsrfGuard.checkSyntax(URI.create("http://metadata/v1")))
                .hasMessageStartingWith("refused");
    }
}
