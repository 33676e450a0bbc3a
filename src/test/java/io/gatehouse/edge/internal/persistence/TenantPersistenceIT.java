package io.gatehouse.edge.internal.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.inject.Inject;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container: an entity goes through JPA with Hibernate as provider into PostgreSQL and back,
 * inside Liberty's JTA transactions (a micro-deployment next to the application).
 */
@ExtendWith(ArquillianExtension.class)
class TenantPersistenceIT {

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.create(WebArchive.class, "tenant-persistence-it.war")
                .addClasses(TenantEntity.class, TenantProbe.class)
                .addAsResource("META-INF/persistence-it.xml", "META-INF/persistence.xml")
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml");
    }

    @Inject TenantProbe probe;

    @Test
    void tenantRoundTripsThroughHibernate() {
        UUID id = UUID.randomUUID();
        String slug = "it-" + id.toString().substring(0, 8);
        probe.create(id, slug, "Round trip");
        TenantProbe.Snapshot back = probe.read(id);
        // JUnit's assertions: they travel with Arquillian's deployment, AssertJ does not.
        assertEquals(slug, back.slug());
        assertEquals("Round trip", back.displayName());
        assertTrue(back.provider().startsWith("org.hibernate"), back.provider());

        probe.rename(id, "Renamed");
        assertEquals("Renamed", probe.read(id).displayName());
        assertEquals(1, probe.read(id).version());
    }
}
