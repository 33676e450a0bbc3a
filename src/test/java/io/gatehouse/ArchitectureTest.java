package io.gatehouse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module rules of docs/architecture.md: each direct sub-package of io.gatehouse is a module;
 * its top package (and non-internal sub-packages) is its public face, {@code internal} is private.
 */
class ArchitectureTest {
    static final String ROOT = "io.gatehouse";
    static final List<String> MODULES =
            List.of("shared", "audit", "edge", "routing", "prompts", "governance", "policy");

    /** Which modules each module may use (its public face only). */
    static final Map<String, Set<String>> ALLOWED =
            Map.of(
                    "shared", Set.of(),
                    "audit", Set.of("shared"),
                    "governance", Set.of("shared", "audit"),
                    "edge", Set.of("shared", "audit", "governance"),
                    "routing", Set.of("shared", "audit", "governance", "edge"),
                    // prompts and policy plug into routing and governance; they need nothing of the
                    // edge (the demo tenant comes with shared.DemoTenantReady)
                    "prompts", Set.of("shared", "audit", "governance", "routing"),
                    "policy", Set.of("shared", "audit", "governance", "routing"));

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(ROOT);
    }

    @Test
    void everyModuleHasAPackageComment() {
        for (String m : MODULES) {
            org.assertj.core.api.Assertions.assertThat(
                            classes.containPackage(ROOT + "." + m)
                                    && classes.getPackage(ROOT + "." + m).getPackageInfo() != null)
                    .as("module %s has package-info.java", m)
                    .isTrue();
        }
    }

    @Test
    void modulesHaveNoCycles() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void noModuleReachesIntoAnothersInternals() {
        for (String m : MODULES) {
            noClasses()
                    .that()
                    .resideOutsideOfPackage(ROOT + "." + m + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAPackage(ROOT + "." + m + ".internal..")
                    .as("only module " + m + " uses " + m + ".internal")
                    .allowEmptyShould(true)
                    .check(classes);
        }
    }

    @Test
    void modulesDependOnlyInTheAllowedDirection() {
        for (String m : MODULES) {
            for (String other : MODULES) {
                if (other.equals(m) || ALLOWED.get(m).contains(other)) {
                    continue;
                }
                noClasses()
                        .that()
                        .resideInAPackage(ROOT + "." + m + "..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAPackage(ROOT + "." + other + "..")
                        .as(m + " must not depend on " + other)
                        .allowEmptyShould(true)
                        .check(classes);
            }
        }
    }

    @Test
    void resourcesLiveInTheWebPackage() {
        classes()
                .that()
                .areAnnotatedWith(Path.class)
                .should()
                .resideInAPackage("..internal.web..")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void entitiesAndEntityManagerStayInPersistence() {
        classes()
                .that()
                .areAnnotatedWith(Entity.class)
                .should()
                .resideInAPackage("..internal.persistence..")
                .check(classes);
        noClasses()
                .that()
                .resideOutsideOfPackage("..internal.persistence..")
                .should()
                .dependOnClassesThat()
                .areAssignableTo(EntityManager.class)
                .check(classes);
    }

    /**
     * One accessor style for entities (issue 16): record-style {@code name()} and {@code
     * name(value)}, like the records around them; no bean-style {@code getName()}/{@code
     * setName(..)}/{@code isName()}.
     */
    @Test
    void entitiesUseRecordStyleAccessors() {
        methods()
                .that()
                .areDeclaredInClassesThat()
                .areAnnotatedWith(Entity.class)
                .and()
                .arePublic()
                .should()
                .haveNameNotMatching("(get|set|is)[A-Z].*")
                .as("entities have record-style accessors, no public get*/set*/is* methods")
                .check(classes);
    }

    @Test
    void entitiesAreNotLeakedThroughRest() {
        DescribedPredicate<JavaClass> entity =
                DescribedPredicate.describe("an @Entity", c -> c.isAnnotatedWith(Entity.class));
        ArchRule rule =
                methods()
                        .that()
                        .areDeclaredInClassesThat()
                        .resideInAPackage("..internal.web..")
                        .and(
                                DescribedPredicate.describe(
                                        "are HTTP resource methods",
                                        m ->
                                                m.getAnnotations().stream()
                                                        .anyMatch(
                                                                a ->
                                                                        a.getRawType()
                                                                                .isAnnotatedWith(
                                                                                        jakarta.ws
                                                                                                .rs
                                                                                                .HttpMethod
                                                                                                .class))))
                        .should(
                                new ArchCondition<>("not return or accept entities") {
                                    @Override
                                    public void check(
                                            com.tngtech.archunit.core.domain.JavaMethod method,
                                            ConditionEvents events) {
                                        boolean leaks =
                                                entity.test(method.getRawReturnType())
                                                        || method.getRawParameterTypes().stream()
                                                                .anyMatch(entity::test);
                                        if (leaks) {
                                            events.add(
                                                    SimpleConditionEvent.violated(
                                                            method, method.getFullName()));
                                        }
                                    }
                                })
                        .allowEmptyShould(true);
        rule.check(classes);
        noClasses()
                .that()
                .resideInAPackage("..internal.web..")
                .and()
                .areRecords()
                .should()
                .dependOnClassesThat()
                .areAnnotatedWith(Entity.class)
                .as("REST DTOs do not hold entities")
                .allowEmptyShould(true)
                .check(classes);
    }

    @Test
    void sharedKernelDependsOnNoModule() {
        noClasses()
                .that()
                .resideInAPackage(ROOT + ".shared..")
                .should()
                .dependOnClassesThat(
                        JavaClass.Predicates.resideOutsideOfPackages(
                                        ROOT + ".shared..",
                                        "java..",
                                        "jakarta..",
                                        "javax..",
                                        "org.eclipse.microprofile..",
                                        "org.flywaydb..")
                                // the JDK's signal API (jdk.unsupported): the shutdown delay
                                // on SIGTERM (ShutdownDrain); nothing else of sun.*
                                .and(
                                        DescribedPredicate.not(
                                                JavaClass.Predicates.belongToAnyOf(
                                                        sun.misc.Signal.class,
                                                        sun.misc.SignalHandler.class))))
                .check(classes);
    }

    static final String ROUTING = ROOT + ".routing";

    /**
     * Routing's request path has one direction (docs/architecture.md, "Inside routing"): web ->
     * pipeline -> provider, resilience, catalog; nothing below the pipeline knows it or the web,
     * and the stage API other modules implement knows nothing of routing's internals.
     */
    @Test
    void routingInternalsKeepTheirLayout() {
        org.assertj.core.api.Assertions.assertThat(
                        classes.stream()
                                .filter(c -> c.getPackageName().equals(ROUTING + ".internal"))
                                .filter(c -> !c.getSimpleName().equals("package-info"))
                                .map(JavaClass::getName)
                                .toList())
                .as("routing.internal holds sub-packages only (pipeline, catalog, provider, ...)")
                .isEmpty();
        noClasses()
                .that()
                .resideInAPackage(ROUTING + ".internal.pipeline..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROUTING + ".internal.web..")
                .as("the pipeline does not depend on the web layer")
                .check(classes);
        for (String lower : List.of("provider", "resilience", "catalog", "persistence")) {
            noClasses()
                    .that()
                    .resideInAPackage(ROUTING + ".internal." + lower + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            ROUTING + ".internal.pipeline..", ROUTING + ".internal.web..")
                    .as(lower + " depends on neither the pipeline nor the web layer")
                    .check(classes);
        }
        noClasses()
                .that()
                .resideInAPackage(ROUTING + ".internal.provider..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROUTING + ".internal.resilience..", ROUTING + ".internal.persistence..")
                .as("provider adapters know neither failover nor the database")
                .check(classes);
        noClasses()
                .that()
                .resideInAnyPackage(ROUTING, ROUTING + ".stage..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROUTING + ".internal..")
                .as("routing's public face (the stage API) names nothing internal")
                .allowEmptyShould(true)
                .check(classes);
    }

    /**
     * Routing's stage API names no plug-in (issue 16): stages report versions under lineage keys
     * and keep their state in attachments, so no method or field of {@code routing.stage} is named
     * after a module that plugs in ({@code promptVariables} is the client's request field).
     */
    @Test
    void theStageApiNamesNoPlugIn() {
        List<String> named =
                classes.stream()
                        .filter(c -> c.getPackageName().startsWith(ROUTING + ".stage"))
                        .flatMap(
                                c ->
                                        java.util.stream.Stream.concat(
                                                c.getMethods().stream()
                                                        .map(
                                                                m ->
                                                                        c.getSimpleName()
                                                                                + "."
                                                                                + m.getName()),
                                                c.getFields().stream()
                                                        .map(
                                                                f ->
                                                                        c.getSimpleName()
                                                                                + "."
                                                                                + f.getName())))
                        .filter(
                                n -> {
                                    String member = n.substring(n.indexOf('.') + 1).toLowerCase();
                                    return (member.contains("policy") || member.contains("prompt"))
                                            && !member.equals("promptvariables");
                                })
                        .toList();
        org.assertj.core.api.Assertions.assertThat(named)
                .as("stage API members named after a plug-in")
                .isEmpty();
    }
}
