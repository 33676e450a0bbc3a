package io.gatehouse.governance.internal;

import java.util.Locale;

/** What someone (or publishing) does to a change request. */
public enum ChangeAction {
    REVISE,
    SUBMIT,
    APPROVE,
    REJECT,
    REQUEST_CHANGES,
    WITHDRAW,
    REBASE,
    PUBLISH,
    SUPERSEDE;

    /** As in the audit action {@code change.<verb>} and the URL, e.g. {@code request-changes}. */
    public String verb() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String auditAction() {
        return "change." + name().toLowerCase(Locale.ROOT);
    }
}
