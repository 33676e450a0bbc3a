package io.gatehouse.audit.internal.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.shared.Caller;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.error.ForbiddenException;
import io.gatehouse.shared.error.NotFoundException;
import io.gatehouse.shared.error.ValidationException;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ChainAccessTest {
    static final TenantId A = new TenantId(UUID.randomUUID());
    static final TenantId B = new TenantId(UUID.randomUUID());

    static Caller person(TenantId t, Role... roles) {
        return new Caller(Caller.Kind.USER, "u", "u", t, Set.of(roles));
    }

    @Test
    void anAuditorReadsOnlyTheirTenantsChain() {
        Caller dave = person(A, Role.AUDITOR);
        assertThat(ChainAccess.chainFor(dave, null, Role.AUDITOR)).isEqualTo(A.toString());
        assertThat(ChainAccess.chainFor(dave, A.toString(), Role.AUDITOR)).isEqualTo(A.toString());
        assertThatThrownBy(() -> ChainAccess.chainFor(dave, B.toString(), Role.AUDITOR))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> ChainAccess.chainFor(dave, "platform", Role.AUDITOR))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void otherRolesAreForbiddenAndPlatformAdminsReadThePlatformChain() {
        assertThatThrownBy(() -> ChainAccess.chainFor(person(A, Role.AUTHOR), null, Role.AUDITOR))
                .isInstanceOf(ForbiddenException.class);
        Caller root = person(null, Role.PLATFORM_ADMIN);
        assertThat(ChainAccess.chainFor(root, null, Role.AUDITOR)).isEqualTo("platform");
        assertThat(ChainAccess.chainFor(root, "platform", Role.AUDITOR)).isEqualTo("platform");
        assertThatThrownBy(() -> ChainAccess.chainFor(root, B.toString(), Role.AUDITOR))
                .isInstanceOf(NotFoundException.class);
    }

    @Test
    void cursorsRoundTripAndLimitsAreBounded() {
        assertThat(ChainAccess.parseCursor(ChainAccess.cursor(42))).isEqualTo(42L);
        assertThat(ChainAccess.parseCursor(null)).isNull();
        assertThatThrownBy(() -> ChainAccess.parseCursor("bm9wZQ"))
                .isInstanceOf(ValidationException.class);
        assertThat(ChainAccess.limit(null, 100)).isEqualTo(100);
        assertThat(ChainAccess.limit(500, 100)).isEqualTo(500);
        assertThatThrownBy(() -> ChainAccess.limit(501, 100))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ChainAccess.limit(0, 100)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> ChainAccess.instant("from", "yesterday"))
                .isInstanceOf(ValidationException.class);
    }

    @Test
    void csvCellsAreQuotedAndFormulasDefused() {
        assertThat(CsvExportSink.cell(null)).isEmpty();
        assertThat(CsvExportSink.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(CsvExportSink.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvExportSink.cell("=HYPERLINK(1)")).isEqualTo("'=HYPERLINK(1)");
        assertThat(CsvExportSink.cell(-5L)).isEqualTo("-5");
    }
}
