package io.gatehouse.governance.internal;

import io.gatehouse.shared.WireNames;
import java.util.Locale;
import java.util.Optional;

/** Where a change request is in its life; the wire names are lower-case with underscores. */
public enum ChangeState {
    DRAFT,
    IN_REVIEW,
    APPROVED,
    REJECTED,
    CHANGES_REQUESTED,
    PUBLISHED,
    SUPERSEDED,
    WITHDRAWN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ChangeState> fromWireName(String s) {
        return WireNames.parse(ChangeState.class, ChangeState::wireName, s);
    }

    /** No action leads anywhere from here (except that a published change can be superseded). */
    public boolean terminal() {
        return this == REJECTED || this == SUPERSEDED || this == WITHDRAWN;
    }
}
