package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every package of the product says what lives there (issue 16): a {@code package-info.java} with a
 * Javadoc comment in each directory of {@code src/main/java} that holds Java sources.
 */
class PackageCommentsTest {

    @Test
    void everyMainPackageHasAPackageComment() throws IOException {
        Path root = Path.of("src/main/java");
        List<Path> missing;
        try (Stream<Path> dirs = Files.walk(root)) {
            missing =
                    dirs.filter(Files::isDirectory)
                            .filter(PackageCommentsTest::holdsJavaSources)
                            .filter(dir -> !hasPackageComment(dir))
                            .map(root::relativize)
                            .toList();
        }
        assertThat(missing).as("packages without a commented package-info.java").isEmpty();
    }

    private static boolean holdsJavaSources(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(
                    f ->
                            f.toString().endsWith(".java")
                                    && !f.getFileName().toString().equals("package-info.java"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean hasPackageComment(Path dir) {
        Path info = dir.resolve("package-info.java");
        try {
            return Files.exists(info) && Files.readString(info).contains("/**");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
