package io.gatehouse.governance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gatehouse.audit.internal.persistence.TransactionalAppend;
import io.gatehouse.shared.Caller;
import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.Role;
import io.gatehouse.shared.StorableText;
import io.gatehouse.shared.TenantId;
import io.gatehouse.shared.WireNames;
import io.gatehouse.shared.error.ForbiddenException;
import jakarta.inject.Inject;
import jakarta.json.Json;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container: the change state machine ({@link ChangeRequestService}) with its real collaborators
 * (JPA repositories, the read side {@link ChangeViews}, the webhook outbox, the approval settings,
 * the in-transaction audit append) in Liberty's JTA transactions against PostgreSQL. Not deployed:
 * the webhook dispatcher (a scheduler the application already runs) and the group-commit writer;
 * the kind of change is a test kind ({@link NoteKind}).
 */
@ExtendWith(ArquillianExtension.class)
class ChangeTransitionsIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "change-transitions-it.war")
                .addClasses(
                        ChangeRequestService.class,
                        ChangeViews.class,
                        ChangeKinds.class,
                        ChangeTransition.class,
                        ApprovalPolicies.class,
                        ApprovalRule.class,
                        // the publish's evidence check (issue 23), with the rows it reads
                        EvidenceGate.class,
                        EvidenceRule.class,
                        ChangeAction.class,
                        ChangeState.class,
                        ChangeView.class,
                        ChangeWorkflow.class,
                        WebhookOutbox.class,
                        NoteKind.class,
                        InTransactionAuditRecorder.class,
                        TransitionProbe.class,
                        Caller.class,
                        Role.class,
                        TenantId.class,
                        JsonInput.class,
                        StorableText.class,
                        WireNames.class)
                .addPackage("io.gatehouse.governance")
                .addPackage("io.gatehouse.governance.internal.persistence")
                .addPackage("io.gatehouse.audit")
                .addPackage("io.gatehouse.audit.chain")
                .addPackage("io.gatehouse.shared.error")
                .addClass(TransactionalAppend.class)
                .addClass(io.gatehouse.audit.internal.persistence.RecordedEvent.class)
                .addClass(io.gatehouse.audit.internal.persistence.ContentRetention.class)
                .addClass(io.gatehouse.audit.internal.persistence.AuditUnavailableException.class)
                .addClass("io.gatehouse.audit.internal.persistence.ChainAppender")
                .addAsResource("META-INF/persistence-governance-it.xml", "META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Inject ChangeRequestService changes;
    @Inject ChangeViews views;
    @Inject TransitionProbe probe;
    @Inject NoteKind kind;

    record People(TenantId tenant, Caller author, Caller coAuthor, Caller reviewer, Caller admin) {}

    static People people() {
        TenantId t = new TenantId(UUID.randomUUID());
        return new People(
                t,
                person(t, "author", Role.AUTHOR, Role.REVIEWER),
                person(t, "co-author", Role.ADMIN),
                person(t, "reviewer", Role.REVIEWER),
                person(t, "admin", Role.ADMIN));
    }

    static Caller person(TenantId t, String name, Role... roles) {
        return new Caller(Caller.Kind.USER, name + "-" + UUID.randomUUID(), name, t, Set.of(roles));
    }

    static String req() {
        return "req-" + UUID.randomUUID();
    }

    UUID draft(People p, String target) {
        return changes.create(
                        p.author(),
                        req(),
                        NoteKind.KIND,
                        target,
                        Json.createObjectBuilder().add("text", "hello").build(),
                        null)
                .id();
    }

    // JUnit's assertions: they travel with Arquillian's deployment, AssertJ does not.

    @Test
    void aTransitionInATransactionThatFailsAfterwardsRollsBackStateAndEvent() throws Exception {
        People p = people();
        UUID id = draft(p, "note-" + UUID.randomUUID());
        assertThrows(IllegalStateException.class, () -> probe.submitThenFail(p.author(), id));
        assertEquals("draft", views.get(p.author(), id).state());
        assertEquals(List.of("change.create"), probe.actions(p.tenant(), id));

        // the same transition in a transaction that commits: state and event together
        changes.submit(p.author(), req(), id, null);
        assertEquals("in_review", views.get(p.author(), id).state());
        assertEquals(List.of("change.create", "change.submit"), probe.actions(p.tenant(), id));
    }

    @Test
    void aPublishWhoseApplyFailsLeavesTheEarlierPublishedChangeAndNoEvents() throws Exception {
        People p = people();
        String target = "note-" + UUID.randomUUID();
        UUID first = draft(p, target);
        changes.submit(p.author(), req(), first, null);
        changes.approve(p.reviewer(), req(), first, null);
        changes.publish(p.admin(), req(), first, null);
        assertEquals("published", views.get(p.admin(), first).state());

        UUID second = draft(p, target);
        changes.submit(p.author(), req(), second, null);
        changes.approve(p.reviewer(), req(), second, null);
        kind.failNextApply();
        // the supersede of the first change and its event were written before the apply failed
        assertThrows(
                IllegalStateException.class, () -> changes.publish(p.admin(), req(), second, null));
        assertEquals("published", views.get(p.admin(), first).state());
        assertEquals("approved", views.get(p.admin(), second).state());
        assertEquals(
                List.of("change.create", "change.submit", "change.approve", "change.publish"),
                probe.actions(p.tenant(), first));
        assertEquals(
                List.of("change.create", "change.submit", "change.approve"),
                probe.actions(p.tenant(), second));

        changes.publish(p.admin(), req(), second, null);
        assertEquals("superseded", views.get(p.admin(), first).state());
        assertEquals("published", views.get(p.admin(), second).state());
    }

    @Test
    void fourEyesHoldsAtTheBean() throws Exception {
        People p = people();
        UUID id = draft(p, "note-" + UUID.randomUUID());
        // an admin revises it: a co-author, who may not approve it either
        changes.revise(
                p.coAuthor(),
                req(),
                id,
                Json.createObjectBuilder().add("text", "hello, again").build(),
                null);
        changes.submit(p.author(), req(), id, null);

        assertThrows(ForbiddenException.class, () -> changes.approve(p.author(), req(), id, null));
        assertThrows(
                ForbiddenException.class, () -> changes.approve(p.coAuthor(), req(), id, null));
        assertThrows(ForbiddenException.class, () -> changes.reject(p.author(), req(), id, null));
        assertEquals(0, probe.reviews(id), "a refused approval stores no review");
        assertEquals("in_review", views.get(p.reviewer(), id).state());

        assertEquals("approved", changes.approve(p.reviewer(), req(), id, null).state());
        assertEquals(1, probe.reviews(id));
        assertEquals(
                List.of("change.create", "change.revise", "change.submit", "change.approve"),
                probe.actions(p.tenant(), id));
    }
}
