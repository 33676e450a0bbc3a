package io.gatehouse.policy.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bounded CEL functions at run time: exactly at each bound the result is built, one unit over
 * it the evaluation fails with a rule error naming the function and the bound; the sizes computed
 * in advance equal what cel-java builds.
 */
class BoundedFunctionsTest {
    static final int S = BoundedFunctions.MAX_STRING_LENGTH;
    static final int L = BoundedFunctions.MAX_LIST_SIZE;

    /** Evaluates with the given request headers (the context strings a caller controls). */
    static boolean eval(String expression, Map<String, ?> headers) throws Exception {
        return CelRules.compile(expression).test(Map.of("headers", headers));
    }

    static void assertOverBound(
            String expression, Map<String, ?> headers, String overload, long size) {
        assertThatThrownBy(() -> eval(expression, headers))
                .isInstanceOf(CelRules.RuleEvaluationException.class)
                .hasMessageContaining(overload + " would produce " + size)
                .hasMessageContaining("the bound is");
    }

    static String a(int n) {
        return "a".repeat(n);
    }

    @Test
    void stringConcatenationAtAndJustOverTheBound() throws Exception {
        String e = "size(headers['x'] + headers['y']) == " + S;
        assertThat(eval(e, Map.of("x", a(S - 1), "y", "b"))).isTrue();
        assertOverBound(e, Map.of("x", a(S - 1), "y", "bb"), "add_string", S + 1);
    }

    @Test
    void bytesConcatenationAtAndJustOverTheBound() throws Exception {
        String e =
                "size(bytes(headers['x']) + bytes(headers['y'])) == "
                        + BoundedFunctions.MAX_BYTES_LENGTH;
        assertThat(eval(e, Map.of("x", a(S - 2), "y", "é"))).isTrue(); // é is two bytes in UTF-8
        assertOverBound(e, Map.of("x", a(S - 1), "y", "é"), "add_bytes", S + 1);
    }

    @Test
    void listConcatenationAtAndJustOverTheBound() throws Exception {
        List<Map<String, Object>> half = new ArrayList<>();
        for (int i = 0; i < L / 2; i++) {
            half.add(Map.of());
        }
        var doubled = CelRules.compile("size(providers + providers) == " + L);
        assertThat(doubled.test(Map.of("providers", half))).isTrue();
        List<Map<String, Object>> full = new ArrayList<>(half);
        full.addAll(half);
        var plusOne = CelRules.compile("size(providers + [{}]) > 0");
        assertThat(plusOne.test(Map.of("providers", half))).isTrue();
        assertThatThrownBy(() -> plusOne.test(Map.of("providers", full)))
                .isInstanceOf(CelRules.RuleEvaluationException.class)
                .hasMessageContaining("add_list would produce " + (L + 1));
    }

    @Test
    void replaceAtAndJustOverTheBound() throws Exception {
        String e = "headers['x'].replace('a', 'aaaa').size() == " + S;
        assertThat(eval(e, Map.of("x", a(S / 4)))).isTrue();
        assertOverBound(e, Map.of("x", a(S / 4 + 1)), "string_replace_string_string", S + 4);
        // Growth by one character: the text one short of the bound, then exactly at it.
        String one = "headers['x'].replace('b', 'bb').size() == " + S;
        assertThat(eval(one, Map.of("x", a(S - 2) + "b"))).isTrue();
        assertOverBound(one, Map.of("x", a(S - 1) + "b"), "string_replace_string_string", S + 1);
        // With a limit only that many matches count.
        assertThat(
                        eval(
                                "headers['x'].replace('a', 'aaaa', 1).size() == " + S,
                                Map.of("x", a(S - 3))))
                .isTrue();
        assertOverBound(
                "headers['x'].replace('a', 'aaaa', 2).size() > 0",
                Map.of("x", a(S - 3)),
                "string_replace_string_string_int",
                S + 3);
    }

    @Test
    void theChainedReplaceOfTheIssueFailsInsteadOfExhaustingTheHeap() {
        String chain = "headers['x']" + ".replace('a', 'aa')".repeat(40) + ".size() > 0";
        assertThatThrownBy(() -> eval(chain, Map.of("x", "a")))
                .isInstanceOf(CelRules.RuleEvaluationException.class)
                .hasMessageContaining("would produce " + (2 * S));
    }

    @Test
    void precomputedReplaceLengthsEqualWhatCelBuilds() throws Exception {
        String[] texts = {"", "a", "abc", "aaaa", "banana", "a-b-c-", "éaé", "x😀y😀"};
        String[] searches = {"", "a", "an", "aa", "-", "é", "😀", "zz"};
        String[] replacements = {"", "x", "yyy", "😀"};
        int[] limits = {-1, 0, 1, 2};
        for (String t : texts) {
            for (String s : searches) {
                for (String r : replacements) {
                    for (int limit : limits) {
                        long expected = BoundedFunctions.replacedLength(t, s, r, limit);
                        String cel =
                                "headers['t'].replace(headers['s'], headers['r'], "
                                        + limit
                                        + ") == headers['out']";
                        String built = buildReplace(t, s, r, limit, expected);
                        assertThat(eval(cel, Map.of("t", t, "s", s, "r", r, "out", built)))
                                .as("%s.replace(%s, %s, %d)", t, s, r, limit)
                                .isTrue();
                        assertThat(built.length()).isEqualTo(expected);
                    }
                }
            }
        }
    }

    /** An independent reference: the documented semantics spelled out over code points. */
    static String buildReplace(
            String text, String search, String replacement, int limit, long unused) {
        if (search.equals(replacement) || limit == 0) {
            return text;
        }
        if (text.isEmpty()) {
            return search.isEmpty() ? replacement : "";
        }
        int[] t = text.codePoints().toArray();
        int[] s = search.codePoints().toArray();
        StringBuilder out = new StringBuilder();
        int i = 0;
        int done = 0;
        while (i <= t.length) {
            boolean match = i + s.length <= t.length;
            for (int j = 0; match && j < s.length; j++) {
                match = t[i + j] == s[j];
            }
            if (match && (limit < 0 || done < limit)) {
                out.append(replacement);
                done++;
                if (s.length == 0) {
                    if (i < t.length) {
                        out.appendCodePoint(t[i]);
                    }
                    i++;
                } else {
                    i += s.length;
                }
            } else {
                if (i < t.length) {
                    out.appendCodePoint(t[i]);
                }
                i++;
            }
        }
        return out.toString();
    }

    @Test
    void joinAtAndJustOverTheBound() throws Exception {
        String e = "headers['x'].split(',').join('--').size() == " + S;
        // 2 parts of (S - 2) / 2 characters and one separator of 2.
        String half = a((S - 2) / 2);
        assertThat(eval(e, Map.of("x", half + "," + half))).isTrue();
        assertOverBound(e, Map.of("x", half + "," + half + "a"), "list_join_string", S + 1);
        assertThat(
                        eval(
                                "headers['x'].split(',').join().size() == " + S,
                                Map.of("x", a(S / 2) + "," + a(S / 2))))
                .isTrue();
        assertOverBound(
                "headers['x'].split(',').join().size() > 0",
                Map.of("x", a(S / 2) + "," + a(S / 2 + 1)),
                "list_join",
                S + 1);
    }

    @Test
    void splitAtAndJustOverTheBound() throws Exception {
        assertThat(eval("size(headers['x'].split('')) == " + L, Map.of("x", a(L)))).isTrue();
        assertOverBound(
                "size(headers['x'].split('')) > 0",
                Map.of("x", a(L + 1)),
                "string_split_string",
                L + 1);
        assertThat(eval("size(headers['x'].split(',')) == " + L, Map.of("x", ",".repeat(L - 1))))
                .isTrue();
        assertOverBound(
                "size(headers['x'].split(',')) > 0",
                Map.of("x", ",".repeat(L)),
                "string_split_string",
                L + 1);
        assertThat(eval("size(headers['x'].split('', " + (L + 5) + ")) == " + L, Map.of("x", a(L))))
                .isTrue();
        assertThat(eval("size(headers['x'].split(',', 3)) == 3", Map.of("x", ",".repeat(2 * L))))
                .isTrue();
        assertThat(BoundedFunctions.splitCount("a,b,,c", ",", -1)).isEqualTo(4);
        assertThat(BoundedFunctions.splitCount("abc", "", 2)).isEqualTo(2);
        assertThat(BoundedFunctions.splitCount("x😀y", "", -1)).isEqualTo(3);
    }

    @Test
    void quoteAtAndJustOverTheBound() throws Exception {
        String e = "strings.quote(headers['x']).size() == " + S;
        assertThat(eval(e, Map.of("x", a(S - 2)))).isTrue();
        assertOverBound(e, Map.of("x", a(S - 1)), "strings_quote", S + 1);
        // Escapes take two characters each.
        assertThat(eval(e, Map.of("x", "\n".repeat((S - 2) / 2)))).isTrue();
        assertOverBound(e, Map.of("x", "\n".repeat((S - 2) / 2) + "\""), "strings_quote", S + 2);
        assertThat(BoundedFunctions.quotedLength("a\"b\\\u0007😀\uD800"))
                .isEqualTo(2 + 1 + 2 + 1 + 2 + 2 + 2 + 1);
    }

    @Test
    void functionsThatCopyTheirInputAreCheckedAfter() throws Exception {
        assertThat(eval("headers['x'].upperAscii().size() == " + S, Map.of("x", a(S)))).isTrue();
        assertOverBound(
                "headers['x'].upperAscii().size() > 0",
                Map.of("x", a(S + 1)),
                "string_upper_ascii",
                S + 1);
        assertOverBound(
                "headers['x'].reverse().size() > 0",
                Map.of("x", a(S + 1)),
                "string_reverse",
                S + 1);
        // Reading a long context value is not producing one.
        assertThat(eval("headers['x'].size() == " + (S + 1), Map.of("x", a(S + 1)))).isTrue();
    }

    @Test
    void oneEvaluationMayProduceAtMostItsBudgetInTotal() throws Exception {
        StringBuilder sixteen = new StringBuilder("[0");
        for (int i = 1; i < 16; i++) {
            sixteen.append(',').append(i);
        }
        sixteen.append(']');
        // 16 strings of S - 1 characters plus the 16 list elements map appends: exactly the budget.
        String e = sixteen + ".map(i, headers['x'].upperAscii()).size() == 16";
        assertThat(EvaluationLimits.MAX_PRODUCED).isEqualTo(16L * (S - 1) + 16);
        var c = CelRules.compile(e);
        assertThat(c.test(Map.of("headers", Map.of("x", a(S - 1))))).isTrue();
        // The budget is per evaluation: the same rule passes again.
        assertThat(c.test(Map.of("headers", Map.of("x", a(S - 1))))).isTrue();
        assertThatThrownBy(() -> c.test(Map.of("headers", Map.of("x", a(S)))))
                .isInstanceOf(CelRules.RuleEvaluationException.class)
                .hasMessageContaining("more than " + EvaluationLimits.MAX_PRODUCED);
    }

    @Test
    void everyGrowingOverloadOfTheEnvironmentIsBounded() {
        List<String> ids =
                BoundedFunctions.bindings(dev.cel.common.CelOptions.current().build()).stream()
                        .map(dev.cel.runtime.CelFunctionBinding::getOverloadId)
                        .toList();
        assertThat(ids)
                .contains(
                        "add_string",
                        "add_bytes",
                        "add_list",
                        "string_replace_string_string",
                        "string_replace_string_string_int",
                        "list_join",
                        "list_join_string",
                        "string_split_string",
                        "string_split_string_int",
                        "strings_quote",
                        "string_upper_ascii",
                        "bytes_to_string",
                        "string_to_bytes");
    }
}
