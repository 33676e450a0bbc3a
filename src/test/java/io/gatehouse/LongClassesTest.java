package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No class in {@code src/main} is longer than {@value #MAX_LINES} lines without saying why at its
 * top (issue 16): a paragraph starting "Long on purpose:" in the comment before its declaration.
 */
class LongClassesTest {
    static final int MAX_LINES = 400;
    static final String REASON = "Long on purpose:";
    static final Pattern DECLARATION =
            Pattern.compile(
                    "^(?:public |final |abstract |sealed )*(?:class|record|interface|enum) ",
                    Pattern.MULTILINE);

    @Test
    void everyLongSourceSaysWhyAtItsTop() throws IOException {
        List<String> unexplained;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            unexplained =
                    files.filter(f -> f.toString().endsWith(".java"))
                            .filter(f -> lines(f) > MAX_LINES)
                            .filter(f -> !explained(f))
                            .map(f -> f + " (" + lines(f) + " lines)")
                            .toList();
        }
        assertThat(unexplained).as("long sources without a reason at their top").isEmpty();
    }

    @Test
    void theReasonMustStandBeforeTheDeclaration() {
        assertThat(explainedText("/** A. <p>Long on purpose: x. */\npublic class A {}")).isTrue();
        assertThat(explainedText("/** A. */\npublic class A {\n  // Long on purpose: x\n}"))
                .isFalse();
    }

    private static long lines(Path f) {
        try (Stream<String> l = Files.lines(f)) {
            return l.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean explained(Path f) {
        try {
            return explainedText(Files.readString(f));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean explainedText(String source) {
        Matcher m = DECLARATION.matcher(source);
        return m.find() && source.substring(0, m.start()).contains(REASON);
    }
}
