package io.gatehouse.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.testing.Http;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The console's files as the server serves them at /console/ (ConsoleFilter in front of JAX-RS).
 */
class ConsoleServingIT {
    private final Http http = Http.local();

    @Test
    void consoleWithoutSlashRedirects() {
        Http.Response r = http.get("/console");
        assertThat(r.status()).isEqualTo(301);
        assertThat(r.header("Location")).endsWith("/console/");
    }

    @Test
    void indexIsServedWithTheConsoleCspAndNoCaching() {
        Http.Response r = http.get("/console/");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("text/html");
        assertThat(r.header("Content-Security-Policy"))
                .isEqualTo(
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'");
        assertThat(r.header("Cache-Control")).isEqualTo("no-cache");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        // No inline script or style: the CSP would block them.
        assertThat(r.body())
                .contains("<script type=\"module\" src=\"/console/app-")
                .doesNotContain("<style")
                .doesNotContain("style=");
    }

    @Test
    void bundlesAreServedWithTheirTypeAndCachedForLong() {
        String html = http.get("/console/").body();
        for (String ext : new String[] {"js", "css"}) {
            Matcher m = Pattern.compile("/console/app-[A-Z0-9]+\\." + ext).matcher(html);
            assertThat(m.find()).as("index.html names the .%s bundle", ext).isTrue();
            Http.Response r = http.get(m.group());
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("Content-Type"))
                    .startsWith(ext.equals("js") ? "text/javascript" : "text/css");
            assertThat(r.header("Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
            assertThat(r.body()).isNotEmpty();
        }
    }

    @Test
    void theAppsOwnAddressesAnswerIndexHtml() {
        for (String p :
                new String[] {
                    "/console/changes",
                    "/console/changes/4f1c2b9a-0000-4000-8000-000000000001",
                    "/console/audit"
                }) {
            Http.Response r = http.get(p);
            assertThat(r.status()).as(p).isEqualTo(200);
            assertThat(r.body()).as(p).contains("id=\"main\"");
        }
    }

    @Test
    void missingFilesAndEscapesAre404() {
        assertThat(http.get("/console/app-NOSUCH00.js").status()).isEqualTo(404);
        assertThat(http.get("/console/favicon.ico").status()).isEqualTo(404);
        assertThat(http.get("/console/%2e%2e/WEB-INF/beans.xml").status()).isEqualTo(404);
        assertThat(http.get("/console/WEB-INF/beans.xml").status()).isEqualTo(404);
    }

    @Test
    void onlyGetAndHead() {
        Http.Response r = http.post("/console/", "{}");
        assertThat(r.status()).isEqualTo(405);
        assertThat(r.header("Allow")).isEqualTo("GET, HEAD");
        Http.Response head =
                http.send(
                        HttpRequest.newBuilder(
                                        URI.create(
                                                io.gatehouse.testing.TestEnv.baseUrl()
                                                        + "/console/"))
                                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.status()).isEqualTo(200);
    }

    @Test
    void etagAllowsRevalidation() {
        Http.Response first = http.get("/console/");
        String etag = first.header("ETag");
        assertThat(etag).isNotBlank();
        assertThat(http.get("/console/", "If-None-Match", etag).status()).isEqualTo(304);
    }
}
