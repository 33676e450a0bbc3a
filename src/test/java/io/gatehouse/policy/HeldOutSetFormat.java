package io.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The data checks both held-out prompt-injection sets share (issue 24): format, enums, unique ids,
 * coverage per family and language, and the pinned SHA-256 of a file that is never edited. They
 * deliberately do not run the detector; measuring is the evaluation's job. Each set's test class
 * gives its {@link Spec} and names its own frozen-file test.
 */
abstract class HeldOutSetFormat {
    static final Set<String> LANGS = Set.of("en", "de", "fr", "es", "it", "pt");
    static final Set<String> ATTACK_FAMILIES =
            Set.of(
                    "override",
                    "indirect_document",
                    "authority_claim",
                    "fake_role_marker",
                    "prompt_leak",
                    "roleplay",
                    "exfiltration");
    static final Set<String> KEYS = Set.of("id", "text", "attack", "family", "lang");

    /**
     * One set: its resource, the SHA-256 it was frozen with, its id pattern, the least attacks per
     * family and language and benign texts per language, and (if fixed, else null) the exact
     * totals.
     */
    record Spec(
            String resource,
            String frozenSha256,
            Pattern id,
            int minAttacksPerFamilyAndLang,
            int minBenignPerLang,
            Integer attacks,
            Integer benign) {}

    record Entry(String id, String text, boolean attack, String family, String lang) {}

    abstract Spec spec();

    Path file() throws Exception {
        URL url = HeldOutSetFormat.class.getResource(spec().resource());
        assertThat(url).as(spec().resource()).isNotNull();
        return Path.of(url.toURI());
    }

    /** Parses every line strictly; any malformed line fails with its line number. */
    List<Entry> entries() throws Exception {
        // readAllLines with UTF-8 throws on bytes that are not valid UTF-8
        List<String> lines = Files.readAllLines(file(), StandardCharsets.UTF_8);
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String where = "line " + (i + 1);
            String line = lines.get(i);
            assertThat(line).as(where).isNotBlank();
            JsonObject o;
            try (var r = Json.createReader(new StringReader(line))) {
                o = r.readObject();
            }
            assertThat(o.keySet()).as(where + " keys").isEqualTo(KEYS);
            for (String key : new String[] {"id", "text", "family", "lang"}) {
                assertThat(o.get(key).getValueType())
                        .as(where + " " + key)
                        .isEqualTo(JsonValue.ValueType.STRING);
            }
            assertThat(o.get("attack")).as(where + " attack").isIn(JsonValue.TRUE, JsonValue.FALSE);
            out.add(
                    new Entry(
                            o.getString("id"),
                            o.getString("text"),
                            o.getBoolean("attack"),
                            o.getString("family"),
                            o.getString("lang")));
        }
        return out;
    }

    @Test
    void everyLineHasValidFields() throws Exception {
        List<Entry> entries = entries();
        assertThat(entries).isNotEmpty();
        for (Entry e : entries) {
            assertThat(e.id()).as("id").matches(spec().id());
            assertThat(e.text()).as(e.id() + " text").isNotBlank().isEqualTo(e.text().strip());
            assertThat(e.lang()).as(e.id() + " lang").isIn(LANGS);
            if (e.attack()) {
                assertThat(e.family()).as(e.id() + " attack family").isIn(ATTACK_FAMILIES);
            } else {
                assertThat(e.family()).as(e.id() + " benign family").isEqualTo("benign");
            }
        }
    }

    @Test
    void idsAndTextsAreUnique() throws Exception {
        Set<String> ids = new HashSet<>();
        Set<String> texts = new HashSet<>();
        for (Entry e : entries()) {
            assertThat(ids.add(e.id())).as("duplicate id " + e.id()).isTrue();
            assertThat(texts.add(e.text())).as("duplicate text in " + e.id()).isTrue();
        }
    }

    @Test
    void everyFamilyAndLanguageIsCovered() throws Exception {
        Map<String, Integer> attacks = new HashMap<>();
        Map<String, Integer> benign = new HashMap<>();
        for (Entry e : entries()) {
            if (e.attack()) {
                attacks.merge(e.family() + "/" + e.lang(), 1, Integer::sum);
            } else {
                benign.merge(e.lang(), 1, Integer::sum);
            }
        }
        for (String lang : LANGS) {
            for (String family : ATTACK_FAMILIES) {
                assertThat(attacks.getOrDefault(family + "/" + lang, 0))
                        .as("attacks " + family + "/" + lang)
                        .isGreaterThanOrEqualTo(spec().minAttacksPerFamilyAndLang());
            }
            assertThat(benign.getOrDefault(lang, 0))
                    .as("benign " + lang)
                    .isGreaterThanOrEqualTo(spec().minBenignPerLang());
        }
        if (spec().attacks() != null) {
            assertThat(attacks.values().stream().mapToInt(Integer::intValue).sum())
                    .as("attacks in total")
                    .isEqualTo(spec().attacks());
        }
        if (spec().benign() != null) {
            assertThat(benign.values().stream().mapToInt(Integer::intValue).sum())
                    .as("benign in total")
                    .isEqualTo(spec().benign());
        }
    }

    /** The file's bytes are the ones pinned when it was written. */
    void assertFrozen() throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file()));
        assertThat(HexFormat.of().formatHex(digest))
                .as(
                        spec().resource()
                                + " changed: a held-out set is frozen (see its README.md); put new"
                                + " data in a new file")
                .isEqualTo(spec().frozenSha256());
    }
}
