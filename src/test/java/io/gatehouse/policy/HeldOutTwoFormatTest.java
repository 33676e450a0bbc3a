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
 * Data sanity of the second held-out prompt-injection evaluation set (issue 24; the first one has
 * been measured and is spent): format, enums, unique ids, coverage per family and language, and
 * that the file is the one written blind before it is used. It deliberately does not run the
 * detector; measuring is the evaluation's job.
 */
class HeldOutTwoFormatTest {
    static final String RESOURCE = "/policy/injection-heldout-2/heldout.jsonl";

    /**
     * SHA-256 of heldout.jsonl as written blind, before any measurement. The set is never edited: a
     * changed line invalidates the measurement, so new data goes into a new file.
     */
    static final String FROZEN_SHA256 =
            "7cc04c7d2d3815e0b10c7b9e00138c4c0ba4bfd7c8951d98d51dff6b020a370e";

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
    static final Pattern ID = Pattern.compile("h2-\\d{4}");
    static final int MIN_ATTACKS_PER_FAMILY_AND_LANG = 6;
    static final int BENIGN_PER_LANG = 30;
    static final int ATTACKS = 252;
    static final int BENIGN = 180;

    record Entry(String id, String text, boolean attack, String family, String lang) {}

    static Path file() throws Exception {
        URL url = HeldOutTwoFormatTest.class.getResource(RESOURCE);
        assertThat(url).as(RESOURCE).isNotNull();
        return Path.of(url.toURI());
    }

    /** Parses every line strictly; any malformed line fails with its line number. */
    static List<Entry> entries() throws Exception {
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
            assertThat(o.get("id").getValueType())
                    .as(where + " id")
                    .isEqualTo(JsonValue.ValueType.STRING);
            assertThat(o.get("text").getValueType())
                    .as(where + " text")
                    .isEqualTo(JsonValue.ValueType.STRING);
            assertThat(o.get("family").getValueType())
                    .as(where + " family")
                    .isEqualTo(JsonValue.ValueType.STRING);
            assertThat(o.get("lang").getValueType())
                    .as(where + " lang")
                    .isEqualTo(JsonValue.ValueType.STRING);
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
            assertThat(e.id()).as("id").matches(ID);
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
                        .isGreaterThanOrEqualTo(MIN_ATTACKS_PER_FAMILY_AND_LANG);
            }
            assertThat(benign.getOrDefault(lang, 0))
                    .as("benign " + lang)
                    .isEqualTo(BENIGN_PER_LANG);
        }
        assertThat(attacks.values().stream().mapToInt(Integer::intValue).sum())
                .as("attacks in total")
                .isEqualTo(ATTACKS);
        assertThat(benign.values().stream().mapToInt(Integer::intValue).sum())
                .as("benign in total")
                .isEqualTo(BENIGN);
    }

    @Test
    void theSetIsTheOneWrittenBlind() throws Exception {
        byte[] bytes = Files.readAllBytes(file());
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(sha)
                .as(
                        "injection-heldout-2/heldout.jsonl changed: the held-out set is frozen (see"
                                + " README.md); put new data in a new file")
                .isEqualTo(FROZEN_SHA256);
    }
}
