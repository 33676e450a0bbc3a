package io.gatehouse.routing.stage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.audit.LineageKeys;
import io.gatehouse.shared.TenantId;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The stage API's neutral extension points: versions keyed by lineage key, typed attachments. */
class GatewayExchangeTest {
    static GatewayExchange exchange() {
        return new GatewayExchange(
                new TenantId(UUID.randomUUID()),
                "key",
                "req",
                "chat",
                "m",
                null,
                List.of(new ChatMessage("user", "hi", false)),
                Map.of());
    }

    @Test
    void stagesReportVersionsUnderTheirLineageKey() {
        GatewayExchange ex = exchange();
        assertThat(ex.stageVersions()).isEmpty();
        ex.stageVersion(LineageKeys.PROMPT_VERSION, "triage/v1");
        ex.stageVersion(LineageKeys.POLICY_VERSION, "pii/v2,cost/v1");
        ex.stageVersion(LineageKeys.PROMPT_VERSION, "triage/v3"); // a later version replaces
        assertThat(ex.stageVersions())
                .containsExactly(
                        Map.entry(LineageKeys.PROMPT_VERSION, "triage/v3"),
                        Map.entry(LineageKeys.POLICY_VERSION, "pii/v2,cost/v1"));
        assertThatThrownBy(() -> ex.stageVersions().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> ex.stageVersion(null, "v"))
                .isInstanceOf(NullPointerException.class);
    }

    private record StageA(int n) {}

    private record StageB(String s) {}

    @Test
    void attachmentsAreKeptPerExchangeAndPerType() {
        GatewayExchange one = exchange();
        GatewayExchange other = exchange();
        assertThat(one.attachment(StageA.class)).isNull();
        one.attach(StageA.class, new StageA(1));
        one.attach(StageB.class, new StageB("b"));
        assertThat(one.attachment(StageA.class)).isEqualTo(new StageA(1));
        assertThat(one.attachment(StageB.class)).isEqualTo(new StageB("b"));
        assertThat(other.attachment(StageA.class)).as("another exchange").isNull();
        one.attach(StageA.class, new StageA(2));
        assertThat(one.attachment(StageA.class)).isEqualTo(new StageA(2));
    }

    @Test
    @SuppressWarnings({"unchecked", "rawtypes"})
    void anAttachmentOfTheWrongTypeIsRefused() {
        GatewayExchange ex = exchange();
        Class raw = StageA.class;
        assertThatThrownBy(() -> ex.attach(raw, new StageB("not an A")))
                .isInstanceOf(ClassCastException.class);
        assertThat(ex.attachment(StageA.class)).isNull();
    }
}
