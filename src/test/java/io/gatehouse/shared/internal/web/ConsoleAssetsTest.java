package io.gatehouse.shared.internal.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ConsoleAssetsTest {
    private static final Set<String> FILES =
            Set.of("index.html", "app-ABCD1234.js", "app-ABCD1234.css", "img/logo.svg");

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("/console", new ConsoleAssets.Redirect("/console/")),
                Arguments.of("/console/", new ConsoleAssets.File("index.html", false)),
                Arguments.of(
                        "/console/app-ABCD1234.js",
                        new ConsoleAssets.File("app-ABCD1234.js", false)),
                Arguments.of(
                        "/console/img/logo.svg", new ConsoleAssets.File("img/logo.svg", false)),
                // The app's own addresses: index.html, the browser routes.
                Arguments.of("/console/changes", new ConsoleAssets.File("index.html", true)),
                Arguments.of(
                        "/console/changes/0b6f4c7e-1111-2222-3333-444455556666",
                        new ConsoleAssets.File("index.html", true)),
                Arguments.of("/console/audit/", new ConsoleAssets.File("index.html", true)),
                // A missing file is a 404, not the app (a stale bundle name must not get HTML).
                Arguments.of("/console/app-OLDHASH1.js", new ConsoleAssets.NotFound()),
                Arguments.of("/console/favicon.ico", new ConsoleAssets.NotFound()),
                // Nothing outside the console folder.
                Arguments.of("/console/../WEB-INF/web.xml", new ConsoleAssets.NotFound()),
                Arguments.of("/console/%2e%2e/WEB-INF/beans.xml", new ConsoleAssets.NotFound()),
                Arguments.of("/console/WEB-INF/beans.xml", new ConsoleAssets.NotFound()),
                Arguments.of("/console/..%5cWEB-INF", new ConsoleAssets.NotFound()),
                Arguments.of("/console//etc/passwd", new ConsoleAssets.NotFound()),
                Arguments.of("/console/%zz", new ConsoleAssets.NotFound()),
                Arguments.of("/consoles", new ConsoleAssets.NotFound()));
    }

    @ParameterizedTest
    @MethodSource("paths")
    void resolves(String path, ConsoleAssets.Target expected) {
        assertThat(ConsoleAssets.resolve(path, FILES::contains)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "index.html, text/html; charset=utf-8",
        "app-ABCD1234.js, text/javascript; charset=utf-8",
        "app-ABCD1234.css, text/css; charset=utf-8",
        "img/logo.svg, image/svg+xml",
        "x.PNG, image/png",
        "README, application/octet-stream"
    })
    void contentTypes(String name, String type) {
        assertThat(ConsoleAssets.contentType(name)).isEqualTo(type);
    }

    @ParameterizedTest
    @CsvSource({
        "app-ABCD1234.js, 'public, max-age=31536000, immutable'",
        "app-ABCD1234.css, 'public, max-age=31536000, immutable'",
        "index.html, no-cache",
        "app.js, no-cache",
        "img/logo.svg, no-cache"
    })
    void cacheControl(String name, String value) {
        assertThat(ConsoleAssets.cacheControl(name)).isEqualTo(value);
    }
}
