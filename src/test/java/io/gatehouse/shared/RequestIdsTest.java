package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void echoesSafeIds() {
    assertThat(RequestIds.acceptOrGenerate("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
  }

  @Test
  void replacesUnsafeOrMissingIds() {
    assertThat(RequestIds.acceptOrGenerate(null)).matches("req_[0-9a-f]{24}");
    assertThat(RequestIds.acceptOrGenerate("bad id\r\nInjected: yes")).matches("req_[0-9a-f]{24}");
    assertThat(RequestIds.acceptOrGenerate("x".repeat(129))).matches("req_[0-9a-f]{24}");
  }

  @Test
  void generatedIdsDiffer() {
    assertThat(RequestIds.generate()).isNotEqualTo(RequestIds.generate());
  }
}
