package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StorableTextTest {
    @Test
    void cleanTextIsTheSameInstance() {
        String s = "caf\u00e9 \ud83d\ude00 tab\t \u0001 \\u0000 literal";
        assertThat(StorableText.escape(s)).isSameAs(s);
        assertThat(StorableText.isStorable(s)).isTrue();
        assertThat(StorableText.escape(null)).isNull();
    }

    @Test
    void nulAndUnpairedSurrogatesBecomeTheirJsonEscapeSpelledOut() {
        assertThat(StorableText.escape("a\u0000b")).isEqualTo("a\\u0000b");
        assertThat(StorableText.escape("\ud800")).isEqualTo("\\ud800");
        assertThat(StorableText.escape("x\udfffy")).isEqualTo("x\\udfffy");
        assertThat(StorableText.escape("\ude00\ud83d"))
                .isEqualTo("\\ude00\\ud83d"); // reversed pair
        assertThat(StorableText.escape("ok \ud83d\ude00 \u0000"))
                .isEqualTo("ok \ud83d\ude00 \\u0000");
        assertThat(StorableText.firstUnstorable("ab\ud800")).isEqualTo(2);
    }

    @Test
    void sanitizeCopiesOnlyWhatChanged() {
        Map<String, Object> clean = Map.of("a", "x", "n", 1L, "l", List.of("y", true));
        assertThat(StorableText.sanitize(clean)).isSameAs(clean);
        Map<String, Object> dirty = new LinkedHashMap<>();
        dirty.put("k\u0000", "v");
        dirty.put("list", List.of("ok", "bad\ud800", Map.of("deep", "\u0000")));
        dirty.put("same", clean);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) StorableText.sanitize(dirty);
        assertThat(out).containsOnlyKeys("k\\u0000", "list", "same");
        assertThat(out.get("list"))
                .isEqualTo(List.of("ok", "bad\\ud800", Map.of("deep", "\\u0000")));
        assertThat(out.get("same")).isSameAs(clean);
    }

    @Test
    void aChangeAfterCleanEntriesKeepsThemAndTheirOrder() {
        Map<Object, Object> m = new LinkedHashMap<>();
        m.put("first", "clean");
        m.put("second", List.of("a", "b", "c\u0000", "d"));
        m.put("third\ud800", 3L);
        m.put(7, "non-string key");
        m.put("last", true);
        @SuppressWarnings("unchecked")
        Map<String, Object> out = (Map<String, Object>) StorableText.sanitize(m);
        assertThat(out.keySet()).containsExactly("first", "second", "third\\ud800", "7", "last");
        assertThat(out.get("first")).isEqualTo("clean");
        assertThat(out.get("second")).isEqualTo(List.of("a", "b", "c\\u0000", "d"));
        assertThat(out.get("7")).isEqualTo("non-string key");
        Map<Object, Object> onlyKey = new LinkedHashMap<>();
        onlyKey.put("a", 1L);
        onlyKey.put(2, 2L);
        @SuppressWarnings("unchecked")
        Map<String, Object> keys = (Map<String, Object>) StorableText.sanitize(onlyKey);
        assertThat(keys.keySet()).containsExactly("a", "2");
    }
}
