package io.gatehouse.shared.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EgressGuardTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://169.254.169.254/latest/meta-data",
        "http://[fd00:ec2::254]/",
        "http://[fe80::1]/hook",
        "http://metadata.google.internal./computeMetadata/v1",
        "http://0.0.0.0:8080/hook",
        "ftp://example.com/",
        "http://user:pw@example.com/hook"
      })
  void refusesMetadataLinkLocalUnspecifiedAndOddUrls(String url) {
    assertThat(EgressGuard.refused(URI.create(url), false)).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8000/hook", "http://10.1.2.3/hook", "https://192.168.1.20/hook"})
  void allowsPrivateNetworks(String url) {
    assertThat(EgressGuard.refused(URI.create(url), false)).isEmpty();
  }

  @Test
  void allowingLinkLocalLetsThemThroughButNeverTheUnspecifiedAddress() {
    assertThat(EgressGuard.refused(URI.create("http://169.254.169.254/"), true)).isEmpty();
    assertThat(EgressGuard.refused(URI.create("http://0.0.0.0/"), true)).isPresent();
  }

  @Test
  void aHostThatDoesNotResolveIsLeftToTheCallsOwnConnectError() {
    assertThat(EgressGuard.refused(URI.create("http://no-such-host.invalid/hook"), false)).isEmpty();
  }
}
