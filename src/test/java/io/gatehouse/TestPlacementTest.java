package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One placement rule for integration tests (docs/testing.md, "Where tests live"): a black-box IT
 * (HTTP against the running server, the database only to check what was stored) sits in its
 * module's top package, {@code io.gatehouse.<module>}, or in {@code io.gatehouse.platform} when it
 * is about the whole product; a white-box IT (internal classes against the real database, or an
 * in-container Arquillian test) sits in the internal package whose classes it uses.
 */
class TestPlacementTest {
    static final String ARQUILLIAN_DEPLOYMENT =
            "org.jboss.arquillian.container.test.api.Deployment";

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().importPackages(ArchitectureTest.ROOT);
    }

    @Test
    void integrationTestsSitWhereTheRuleSays() {
        List<JavaClass> its =
                classes.stream()
                        .filter(JavaClass::isTopLevelClass)
                        .filter(c -> c.getSimpleName().endsWith("IT"))
                        .filter(TestPlacementTest::isTestClass)
                        .toList();
        assertThat(its).as("integration tests found").hasSizeGreaterThan(50);
        List<String> misplaced =
                its.stream()
                        .filter(c -> !placedByTheRule(c))
                        .map(c -> c.getName() + (isWhiteBox(c) ? " (white-box)" : " (black-box)"))
                        .toList();
        assertThat(misplaced)
                .as("ITs placed against docs/testing.md, \"Where tests live\"")
                .isEmpty();
    }

    static boolean placedByTheRule(JavaClass it) {
        String pkg = it.getPackageName();
        if (pkg.contains(".internal")) {
            return usesClassesOfItsPackage(it);
        }
        boolean topPackage =
                pkg.equals(ArchitectureTest.ROOT + ".platform")
                        || ArchitectureTest.MODULES.stream()
                                .anyMatch(m -> pkg.equals(ArchitectureTest.ROOT + "." + m));
        return topPackage && !isInContainer(it);
    }

    /** An in-container test, or one that uses classes of a module's internal packages directly. */
    static boolean isWhiteBox(JavaClass it) {
        return isInContainer(it) || it.getPackageName().contains(".internal");
    }

    static boolean isInContainer(JavaClass it) {
        return it.getMethods().stream().anyMatch(m -> m.isAnnotatedWith(ARQUILLIAN_DEPLOYMENT));
    }

    /** The IT (or its nested classes) uses another class of its own package: it sits next to it. */
    static boolean usesClassesOfItsPackage(JavaClass it) {
        return Stream.concat(
                        Stream.of(it),
                        classes.stream().filter(c -> c.getName().startsWith(it.getName() + "$")))
                .flatMap(c -> c.getDirectDependenciesFromSelf().stream())
                .map(d -> d.getTargetClass())
                .anyMatch(
                        t ->
                                t.getPackageName().equals(it.getPackageName())
                                        && !t.equals(it)
                                        && !t.getName().startsWith(it.getName() + "$")
                                        && !t.getSimpleName().endsWith("IT"));
    }

    static boolean isTestClass(JavaClass c) {
        return c.getSource()
                .map(s -> s.getUri().toString().contains("/test-classes/"))
                .orElse(false);
    }
}
