package io.gatehouse.edge.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The ticket is taken out of the query; everything after the filter sees it redacted. */
class TicketQueryFilterTest {

    @Test
    void theTicketIsTakenAndEveryTicketValueRedacted() {
        TicketQueryFilter.Taken t =
                TicketQueryFilter.take(
                        "format=csv&ticket=gh_xt_abc-_1&from=2026-01-01T00%3A00%3A00Z");
        assertThat(t.ticket()).isEqualTo("gh_xt_abc-_1");
        assertThat(t.query())
                .isEqualTo("format=csv&ticket=REDACTED&from=2026-01-01T00%3A00%3A00Z")
                .doesNotContain("gh_xt_");

        TicketQueryFilter.Taken twice = TicketQueryFilter.take("ticket=a%5Fb&ticket=second");
        assertThat(twice.ticket()).isEqualTo("a_b");
        assertThat(twice.query()).isEqualTo("ticket=REDACTED&ticket=REDACTED");

        // encoded names count too; an empty ticket is a (failing) ticket
        assertThat(TicketQueryFilter.take("%74icket=x").ticket()).isEqualTo("x");
        assertThat(TicketQueryFilter.take("ticket=").ticket()).isEmpty();
        assertThat(TicketQueryFilter.take("ticket").ticket()).isEmpty();
    }

    @Test
    void aQueryWithoutATicketIsLeftAlone() {
        assertThat(TicketQueryFilter.take(null)).isNull();
        assertThat(TicketQueryFilter.take("format=csv")).isNull();
        assertThat(TicketQueryFilter.take("tickets=1&myticket=2")).isNull();
    }
}
