package io.gatehouse.policy.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The static worst case: what is refused when a rule is validated, and what is not. */
class WorstCaseEstimatorTest {
    static final long S = BoundedFunctions.MAX_STRING_LENGTH;
    static final long N = WorstCaseEstimator.NOMINAL_STRING;

    static void accepted(String expression) throws Exception {
        CelRules.compileBounded(expression);
    }

    static void refused(String expression, String... messageParts) {
        assertThatThrownBy(() -> CelRules.compileBounded(expression))
                .isInstanceOf(CelRules.BoundExceededException.class)
                .hasMessageContaining("the bound is")
                .hasMessageContainingAll(messageParts);
    }

    static String doubled(String start, int times) {
        return start + ".replace('a', 'aa')".repeat(times) + ".size() > 0";
    }

    @Test
    void theChainedReplaceOfTheIssueIsRefused() throws Exception {
        refused(doubled("'a'", 40), "replace at line 1, column ", "131072 characters (worst case)");
        // Worst case exactly at the bound (2^16 = 65536) is accepted, one doubling more is not.
        accepted(doubled("'a'", 16));
        refused(doubled("'a'", 17), "131072");
        // Context strings count at their nominal size: 256 * 2^8 = 65536.
        assertThat(N * 256).isEqualTo(S);
        accepted(doubled("route", 8));
        refused(doubled("route", 9), "131072");
        // Without the check the expression still compiles (stored versions), and fails at run time.
        CelRules.compile(doubled("'a'", 40));
    }

    @Test
    void replaceGrowsByTheReplacementMinusTheSearchPerPossibleMatch() throws Exception {
        String big = "x".repeat((int) (S - N) / (int) N);
        // route (256) replace 'a' -> 1 + big: 256 matches of growth big.
        assertThat(size("route.replace('a', 'a" + big + "')")).isEqualTo(N + N * big.length());
        accepted("route.replace('a', 'a" + big + "') == ''");
        refused("route.replace('a', 'aa" + big + "') == ''", "replace");
        // An empty or unknown search can match before every character and at the end.
        assertThat(size("route.replace('', 'xy')")).isEqualTo(N + (N + 1) * 2);
        assertThat(size("route.replace(route, 'xy')")).isEqualTo(N + (N + 1) * 2);
        // A literal limit caps the matches; a search as long as its replacement cannot grow.
        assertThat(size("route.replace('', 'xy', 3)")).isEqualTo(N + 3 * 2);
        assertThat(size("route.replace('ab', 'cd')")).isEqualTo(N);
        assertThat(size("route.replace('ab', 'c')")).isEqualTo(N);
    }

    @Test
    void concatenationJoinSplitAndQuote() throws Exception {
        assertThat(size("route + route + 'abc'")).isEqualTo(2 * N + 3);
        // A list of n elements of at most m characters joins into n * m + (n - 1) * separator.
        assertThat(size("[route, 'x'].join('--')")).isEqualTo(2 * N + 2);
        assertThat(size("headers.map(k, headers[k]).join(',')"))
                .isEqualTo(
                        WorstCaseEstimator.NOMINAL_ENTRIES * N
                                + WorstCaseEstimator.NOMINAL_ENTRIES
                                - 1);
        assertThat(size("route.split('')")).isEqualTo(N + 1);
        assertThat(size("route.split(',', 4)")).isEqualTo(4);
        assertThat(size("strings.quote(route)")).isEqualTo(2 + 2 * N);
        // join of a split of a doubled string: the doubling is refused where it happens.
        refused("(route + route).split('').map(c, c + c + c + c).join('x' + route) == ''", "join");
        String literal = "y".repeat((int) S);
        accepted("'" + literal + "' != route");
        refused("'" + literal + "' + 'z' != route", "_+_", String.valueOf(S + 1));
    }

    @Test
    void comprehensionsGrowLinearlyUpToTheIterationBudget() throws Exception {
        // map over a nominal list: one element per entry.
        assertThat(size("providers.map(p, p.name)")).isEqualTo(WorstCaseEstimator.NOMINAL_ENTRIES);
        // split of a long literal has many entries, but a comprehension runs at most 1000 times.
        String many = "a".repeat(5000);
        assertThat(size("'" + many + "'.split('').map(c, c + c)"))
                .isEqualTo(WorstCaseEstimator.MAX_ITERATIONS);
        assertThat(size("'" + many + "'.split('').filter(c, c == 'a')"))
                .isEqualTo(WorstCaseEstimator.MAX_ITERATIONS);
        // The element of a mapped list is what the step builds.
        assertThat(size("providers.map(p, route + route)[0]")).isEqualTo(2 * N);
        refused(
                "providers.map(p, '"
                        + "z".repeat((int) S / 2)
                        + "' + route + '"
                        + "z".repeat((int) S / 2)
                        + "')"
                        + ".size() > 0",
                "_+_");
    }

    @Test
    void everyConditionOfTheDocsAndFixturesIsAccepted() throws Exception {
        for (String e :
                List.of(
                        "entities.email.count + entities.card.count > 0",
                        "entities.secret.max_score >= 0.99",
                        "headers['x-team'] == 'finance'",
                        "'x-team' in headers && headers['x-team'] == 'finance'",
                        "tokens > 20 && route == 'sandbox' && classification == 0",
                        "injection.score >= 0.5 && 'ignore_instructions' in injection.signals",
                        "injection.signals.exists(s, s.startsWith('ignore'))",
                        "provider.region.startsWith('eu-') && provider.clearance >= classification",
                        "messages.roles.join(',') == 'system,user'",
                        "route.replace('-', '_').lowerAscii() == 'a_b'",
                        "time.iso.substring(0, 10) == '2026-11-27'",
                        "string(tokens) + '/' + route != ''",
                        "true")) {
            accepted(e);
        }
    }

    static long size(String expression) throws Exception {
        var ast = CelRules.checked(expression + " == dyn(0) || true");
        // The left operand of _==_ of the wrapper: the expression under test.
        var left = ast.getExpr().call().args().get(0).call().args().get(0);
        return WorstCaseEstimator.lengthOf(ast, left);
    }
}
