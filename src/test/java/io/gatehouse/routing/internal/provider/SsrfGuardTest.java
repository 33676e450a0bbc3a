package io.gatehouse.routing.internal.provider;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SsrfGuardTest {
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
        "file:///etc/passwd",
        "gopher://example.com/",
        "http://user:pw@example.com/v1"
      })
  void refusesLinkLocalMetadataAndOddUrls(String url) {
    assertThatThrownBy(() -> SsrfGuard.check(URI.create(url), false))
        .isInstanceOf(ProviderException.class)
        .hasMessageStartingWith("refused");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8000/v1", "http://10.1.2.3/v1", "https://192.168.1.20/v1", "http://localhost:11434/v1"})
  void allowsPrivateNetworksForSelfHostedModels(String url) {
    assertThatCode(() -> SsrfGuard.check(URI.create(url), false)).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://169.254.169.254/", "http://[fe80::1]/"})
  void allowLinkLocalOptionLetsThemThrough(String url) {
    assertThatCode(() -> SsrfGuard.check(URI.create(url), true)).doesNotThrowAnyException();
  }
}
