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
import io.gatehouse.shared.ChangeFeed;
import io.gatehouse.shared.DemoTenantReady;
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
                // a client dialect of routing keeps its resource beside its codec (issue 17)
                .resideInAnyPackage("..internal.web..", ROOT + ".routing.internal.dialect..")
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
                .resideInAnyPackage(ROUTING + ".internal.web..", ROUTING + ".internal.dialect..")
                .as("the pipeline depends on neither the web layer nor a client dialect")
                .check(classes);
        for (String lower : List.of("provider", "resilience", "catalog", "persistence", "mcp")) {
            noClasses()
                    .that()
                    .resideInAPackage(ROUTING + ".internal." + lower + "..")
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(
                            ROUTING + ".internal.pipeline..",
                            ROUTING + ".internal.web..",
                            ROUTING + ".internal.dialect..")
                    .as(lower + " depends on neither the pipeline, the web layer nor a dialect")
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

    /**
     * One holder for the current caller (issue 16): {@code shared.CurrentCaller}, holding a {@code
     * Caller} that is a person, a service or an API key. No other request-, session- or
     * conversation-scoped bean keeps a caller or a key (the old {@code edge.ClientAccess} did), and
     * only the edge's authentication filter sets it.
     */
    @Test
    void oneHolderForTheCurrentCaller() {
        List<String> holders =
                classes.stream()
                        .filter(
                                c ->
                                        c.isAnnotatedWith(
                                                        jakarta.enterprise.context.RequestScoped
                                                                .class)
                                                || c.isAnnotatedWith(
                                                        jakarta.enterprise.context.SessionScoped
                                                                .class)
                                                || c.isAnnotatedWith(
                                                        jakarta.enterprise.context
                                                                .ConversationScoped.class))
                        .filter(c -> !c.isEquivalentTo(io.gatehouse.shared.CurrentCaller.class))
                        .flatMap(c -> c.getFields().stream())
                        .filter(
                                f ->
                                        f.getRawType()
                                                        .isAssignableTo(
                                                                io.gatehouse.shared.Caller.class)
                                                || f.getRawType()
                                                        .isAssignableTo(
                                                                io.gatehouse.edge.ClientKey.class))
                        .map(f -> f.getOwner().getSimpleName() + "." + f.getName())
                        .toList();
        org.assertj.core.api.Assertions.assertThat(holders)
                .as("scoped beans holding a caller or a key beside CurrentCaller")
                .isEmpty();
        noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".edge.internal.web")
                .should()
                .callMethod(
                        io.gatehouse.shared.CurrentCaller.class,
                        "set",
                        io.gatehouse.shared.Caller.class)
                .check(classes);
    }

    /**
     * One name per role (docs/architecture.md, "Names"): JPA repositories are {@code Jpa*} and are
     * the only classes holding an {@code EntityManager}; plain-JDBC repositories end in {@code
     * Rows} and live in a persistence package; the other names repositories used to have are gone.
     */
    @Test
    void repositoriesAreNamedForTheirRole() {
        classes()
                .that()
                .doNotHaveSimpleName("package-info")
                .and(dependsOn("an EntityManager", t -> t.isAssignableTo(EntityManager.class)))
                .should()
                .haveSimpleNameStartingWith("Jpa")
                .as("classes that use an EntityManager are JPA repositories named Jpa*")
                .check(classes);
        classes()
                .that()
                .haveSimpleNameStartingWith("Jpa")
                .should(
                        have(
                                dependsOn(
                                        "an EntityManager",
                                        t -> t.isAssignableTo(EntityManager.class))))
                .as("Jpa* classes are repositories over an EntityManager")
                .check(classes);
        classes()
                .that()
                .haveSimpleNameEndingWith("Rows")
                .should()
                .resideInAPackage("..internal.persistence..")
                .andShould(
                        have(
                                dependsOn(
                                        "JDBC (java.sql)",
                                        t -> t.getPackageName().equals("java.sql"))))
                .as("*Rows classes are plain-JDBC repositories in a persistence package")
                .check(classes);
        noClasses()
                .should()
                .haveNameMatching(".*(Store|Queries|Database|Repository|Dao|Directory)")
                .as("no other names for repositories and caches (Jpa*, *Rows, *Cache)")
                .check(classes);
    }

    /**
     * Audit's {@code GatewayUsage} names no plug-in either: it carries the versions the stages
     * reported, by lineage key, and the audit store maps them to its columns.
     */
    @Test
    void gatewayUsageNamesNoPlugIn() {
        JavaClass usage = classes.get(io.gatehouse.audit.GatewayUsage.class);
        List<String> named =
                java.util.stream.Stream.concat(
                                usage.getMethods().stream().map(m -> m.getName()),
                                usage.getFields().stream().map(f -> f.getName()))
                        .filter(
                                n ->
                                        n.toLowerCase().contains("policy")
                                                || n.toLowerCase().contains("prompt"))
                        .toList();
        org.assertj.core.api.Assertions.assertThat(named)
                .as("GatewayUsage members named after a plug-in")
                .isEmpty();
    }

    /**
     * Hot-path caches are named {@code *Cache}; those that hold database state (read through a
     * repository) drop it on {@code shared.ChangeFeed.Invalidated} (a cache of answers or verdicts
     * holds no database state); demo seeds are {@code Demo*Seed}, and so is every class that takes
     * part in demo seeding ({@code shared.DemoTenantReady}).
     */
    @Test
    void cachesAndSeedsAreNamedForTheirRole() {
        classes()
                .that()
                .haveSimpleNameEndingWith("Cache")
                .and(
                        dependsOn(
                                "a repository (database state)",
                                t -> t.getPackageName().contains(".internal.persistence")))
                .should(
                        have(
                                DescribedPredicate.describe(
                                        "a method observing ChangeFeed.Invalidated",
                                        c ->
                                                c.getMethods().stream()
                                                        .anyMatch(
                                                                m ->
                                                                        m
                                                                                .getRawParameterTypes()
                                                                                .stream()
                                                                                .anyMatch(
                                                                                        t ->
                                                                                                t
                                                                                                        .isEquivalentTo(
                                                                                                                ChangeFeed
                                                                                                                        .Invalidated
                                                                                                                        .class))))))
                .as("caches of database state listen to the change feed")
                .check(classes);
        classes()
                .that()
                .haveSimpleNameEndingWith("Seed")
                .or(
                        dependsOn(
                                "shared.DemoTenantReady",
                                t -> t.isEquivalentTo(DemoTenantReady.class)))
                .and()
                .doNotBelongToAnyOf(DemoTenantReady.class)
                .should()
                .haveNameMatching(".*\\.Demo[A-Z]\\w*Seed")
                .as("demo seeds are named Demo*Seed")
                .check(classes);
    }

    /** JAX-RS resources are {@code *Resource}; governed change kinds are {@code *ChangeKind}. */
    @Test
    void resourcesAndChangeKindsAreNamedForTheirRole() {
        classes()
                .that()
                .areAnnotatedWith(Path.class)
                .should()
                .haveSimpleNameEndingWith("Resource")
                .check(classes);
        classes()
                .that()
                .implement(io.gatehouse.governance.ChangeKind.class)
                .should()
                .haveSimpleNameEndingWith("ChangeKind")
                .check(classes);
    }

    private static DescribedPredicate<JavaClass> dependsOn(
            String what, java.util.function.Predicate<JavaClass> target) {
        return DescribedPredicate.describe(
                "depend on " + what,
                c ->
                        c.getDirectDependenciesFromSelf().stream()
                                .anyMatch(d -> target.test(d.getTargetClass())));
    }

    private static ArchCondition<JavaClass> have(DescribedPredicate<JavaClass> predicate) {
        return ArchCondition.from(predicate);
    }

    /**
     * A module's public face is what other modules use (issue 16): every public top-level type in a
     * module's API packages is used by at least one other module; a type only its own module uses
     * lives in {@code internal}. Not checked: {@code shared} (the kernel) and {@code audit.chain}
     * (public for the offline verifier, see its package-info).
     */
    @Test
    void everyPublicTypeOfAModuleFaceIsUsedByAnotherModule() {
        classes()
                .that()
                .resideInAnyPackage(
                        MODULES.stream()
                                .filter(m -> !m.equals("shared"))
                                .map(m -> ROOT + "." + m + "..")
                                .toArray(String[]::new))
                .and()
                .resideOutsideOfPackages("..internal..", ROOT + ".audit.chain..")
                .and()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .and()
                .doNotHaveSimpleName("package-info")
                .should(
                        new ArchCondition<>("be used by another module") {
                            @Override
                            public void check(JavaClass type, ConditionEvents events) {
                                String own = moduleOf(type);
                                boolean used =
                                        classes.stream()
                                                .filter(
                                                        c ->
                                                                c.equals(type)
                                                                        || c.getName()
                                                                                .startsWith(
                                                                                        type
                                                                                                        .getName()
                                                                                                + "$"))
                                                .flatMap(
                                                        c ->
                                                                c
                                                                        .getDirectDependenciesToSelf()
                                                                        .stream())
                                                .anyMatch(
                                                        d ->
                                                                !own.equals(
                                                                        moduleOf(
                                                                                d
                                                                                        .getOriginClass())));
                                if (!used && !namedInSourcesOfAnotherModule(type, own)) {
                                    events.add(
                                            SimpleConditionEvent.violated(
                                                    type,
                                                    type.getName()
                                                            + " is used only inside module "
                                                            + own
                                                            + ": move it into "
                                                            + own
                                                            + ".internal"));
                                }
                            }
                        })
                .check(classes);
    }

    /**
     * javac copies constants into the classes that read them, so a class of constants (like {@code
     * audit.LineageKeys}) leaves no trace in their bytecode: its imports in the sources count.
     */
    private static boolean namedInSourcesOfAnotherModule(JavaClass type, String own) {
        java.nio.file.Path src = java.nio.file.Path.of("src/main/java/io/gatehouse");
        java.util.regex.Pattern named =
                java.util.regex.Pattern.compile(
                        java.util.regex.Pattern.quote(type.getName()) + "(?![\\w$])");
        for (String m : MODULES) {
            if (m.equals(own)) {
                continue;
            }
            try (java.util.stream.Stream<java.nio.file.Path> files =
                    java.nio.file.Files.walk(src.resolve(m))) {
                boolean found =
                        files.filter(f -> f.toString().endsWith(".java"))
                                .anyMatch(
                                        f -> {
                                            try {
                                                return named.matcher(
                                                                java.nio.file.Files.readString(f))
                                                        .find();
                                            } catch (java.io.IOException e) {
                                                throw new java.io.UncheckedIOException(e);
                                            }
                                        });
                if (found) {
                    return true;
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return false;
    }

    private static String moduleOf(JavaClass c) {
        String rest =
                c.getPackageName()
                        .substring(Math.min(c.getPackageName().length(), ROOT.length() + 1));
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }
}
