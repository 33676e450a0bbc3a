package io.gatehouse.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every test the documentation names exists: a reader who follows a claim in docs/*.md or the
 * README to {@code SomeIT.someMethod} (or {@code SomeIT#someMethod}, or {@code .someMethod} after
 * it in the same cell) finds that class and method in the test sources. A renamed or removed test
 * fails here instead of leaving a claim pointing at nothing.
 */
class DocumentedTestsExistTest {
    /** A test class, then optionally a method: {@code FooIT.bar}, {@code FooTest#bar}. */
    static final Pattern REFERENCE =
            Pattern.compile("`([A-Z][A-Za-z0-9]*(?:IT|Test))(?:[.#]([a-z][A-Za-z0-9]*))?`");

    /** A method named alone right after a class reference: {@code `.bar`}. */
    static final Pattern SHORT_METHOD = Pattern.compile("`\\.([a-z][A-Za-z0-9]*)`");

    @Test
    void everyTestNamedInTheDocsExists() throws IOException {
        Map<String, String> sources = testSources();
        List<String> missing = new ArrayList<>();
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("docs"))) {
            s.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        docs.add(Path.of("README.md"));
        int checked = 0;
        for (Path doc : docs) {
            List<String> lines = Files.readAllLines(doc, StandardCharsets.UTF_8);
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n);
                String where = doc + ":" + (n + 1);
                // the class of the last reference on the line, for `.method` shorthands
                String current = null;
                int at = 0;
                while (true) {
                    Matcher full = REFERENCE.matcher(line);
                    Matcher shortRef = SHORT_METHOD.matcher(line);
                    boolean f = full.find(at);
                    boolean sh = shortRef.find(at);
                    if (!f && !sh) {
                        break;
                    }
                    if (f && (!sh || full.start() < shortRef.start())) {
                        current = full.group(1);
                        checked++;
                        check(sources, current, full.group(2), where, missing);
                        at = full.end();
                    } else {
                        if (current != null) {
                            checked++;
                            check(sources, current, shortRef.group(1), where, missing);
                        }
                        at = shortRef.end();
                    }
                }
            }
        }
        assertThat(checked).as("references checked").isGreaterThan(100);
        assertThat(missing).as("tests named in the docs that do not exist").isEmpty();
    }

    private static void check(
            Map<String, String> sources,
            String cls,
            String method,
            String where,
            List<String> missing) {
        String source = sources.get(cls);
        if (source == null) {
            missing.add(where + " " + cls + " (no such test class)");
            return;
        }
        if (method == null) {
            return;
        }
        Pattern declared = Pattern.compile("\\b(?:void|static \\w+|\\w+) " + method + "\\(");
        // a test method may be inherited: look up the superclasses in the test sources too
        for (String s = source; s != null; s = superclassSource(sources, s)) {
            if (declared.matcher(s).find()) {
                return;
            }
        }
        missing.add(where + " " + cls + "." + method);
    }

    private static final Pattern EXTENDS = Pattern.compile("\\bclass \\w+ extends (\\w+)");

    private static String superclassSource(Map<String, String> sources, String source) {
        Matcher m = EXTENDS.matcher(source);
        return m.find() ? sources.get(m.group(1)) : null;
    }

    /** Test sources by simple class name (the file's name). */
    private static Map<String, String> testSources() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(Path.of("src/test/java"))) {
            for (Path p : s.filter(x -> x.toString().endsWith(".java")).toList()) {
                String name = p.getFileName().toString().replace(".java", "");
                out.put(name, Files.readString(p, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
