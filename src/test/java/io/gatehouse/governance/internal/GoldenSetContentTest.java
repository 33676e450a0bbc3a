package io.gatehouse.governance.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.gatehouse.shared.JsonInput;
import io.gatehouse.shared.error.GatehouseException;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A golden set's content: what is accepted, and each refusal naming the field by its path. */
class GoldenSetContentTest {
    static final Set<String> EVALUABLE = Set.of("prompt", "policy", "route");

    static JsonObject json(String s) {
        return JsonInput.readObject(s.replace('\'', '"'));
    }

    static final String CASE =
            "{'id':'refund-1','input':{'variables':{'question':'Refund?'},"
                    + "'messages':[{'role':'user','content':'Can I get a refund?'}]},"
                    + "'expect':[{'type':'contains','value':'refund'},"
                    + "{'type':'not_contains','value':'sorry'},"
                    + "{'type':'regex','pattern':'^Refund'},"
                    + "{'type':'json_schema','schema':{'type':'object','required':['answer']}},"
                    + "{'type':'similarity','reference':'30 days','route':'embed','threshold':0.8},"
                    + "{'type':'policy','outcome':'denied'},"
                    + "{'type':'judge','route':'judge','rubric':'30 days?','threshold':0.7}],"
                    + "'source':{'requestId':'req_1','contentHash':'abc'}}";

    static String set(String binds, String cases) {
        return "{'binds':" + binds + ",'minPassRate':0.9,'cases':[" + cases + "]}";
    }

    static GoldenSetContent parse(String s) {
        return GoldenSetContent.parse(json(s), EVALUABLE::contains);
    }

    static String refusedAt(String s) {
        try {
            parse(s);
        } catch (ValidationException e) {
            return param(e);
        }
        throw new AssertionError("accepted: " + s);
    }

    static String param(GatehouseException e) {
        return e.param();
    }

    @Test
    void theSpecsExampleIsAccepted() {
        GoldenSetContent c = parse(set("[{'kind':'prompt','target':'support-answer'}]", CASE));
        assertThat(c.binds())
                .containsExactly(new GoldenSetContent.Binding("prompt", "support-answer"));
        assertThat(c.minPassRate()).isEqualTo(0.9);
        assertThat(c.cases()).hasSize(1);
        assertThat(c.cases().get(0).expect()).hasSize(7);
        assertThat(c.cases().get(0).model()).isNull();
    }

    /**
     * Review 23 finding 1: a regex runs on RE2J, so a set is refused (400 naming the pattern's
     * field) when RE2 cannot compile its pattern, or when it compiles too large to match quickly.
     */
    @Test
    void aRegexRE2CannotRunQuicklyIsRefusedNamingItsField() {
        String prompt = "[{'kind':'prompt','target':'p'}]";
        for (String pattern :
                List.of(
                        "(?:(?:){100000}){100000}",
                        "x(?:$){2000000000}",
                        "(?:(?=)){2000000000}",
                        "((a{1000}){1000}){1000}",
                        "(?:x{100}){100}y",
                        "(?<=a)b",
                        "(a)\\1")) {
            String cases = CASE.replace("'pattern':'^Refund'", "'pattern':" + quoted(pattern));
            ValidationException e =
                    assertTimeoutPreemptively(
                            java.time.Duration.ofSeconds(1),
                            () -> {
                                try {
                                    parse(set(prompt, cases));
                                } catch (ValidationException x) {
                                    return x;
                                }
                                throw new AssertionError("accepted: " + pattern);
                            });
            assertThat(e.status()).isEqualTo(400);
            assertThat(param(e)).as(pattern).isEqualTo("content.cases[0].expect[2].pattern");
            assertThat(e.getMessage()).as(pattern).contains("pattern is refused").contains("RE2");
        }
    }

    private static String quoted(String pattern) {
        return Json.createValue(pattern).toString().replace('"', '\'');
    }

    @Test
    void refusalsNameTheFieldsPath() {
        String prompt = "[{'kind':'prompt','target':'p'}]";
        assertThat(refusedAt(set(prompt, CASE.replace("'threshold':0.7", "'threshold':1.5"))))
                .isEqualTo("content.cases[0].expect[6].threshold");
        assertThat(
                        refusedAt(
                                set(
                                        prompt,
                                        CASE.replace(
                                                "'type':'regex','pattern':'^Refund'",
                                                "'type':'regex','pattern':'(['"))))
                .isEqualTo("content.cases[0].expect[2].pattern");
        assertThat(refusedAt(set(prompt, CASE + "," + CASE))).isEqualTo("content.cases[1].id");
        assertThat(refusedAt(set(prompt, CASE.replace("'source'", "'extra'"))))
                .isEqualTo("content.cases[0].extra");
        assertThat(refusedAt(set(prompt, CASE.replace("'type':'contains'", "'type':'startswith'"))))
                .isEqualTo("content.cases[0].expect[0].type");
        assertThat(refusedAt(set(prompt, CASE.replace("'required':['answer']", "'pattern':'x'"))))
                .isEqualTo("content.cases[0].expect[3].schema.pattern");
        assertThat(
                        refusedAt(
                                set(
                                        prompt,
                                        CASE.replace("'outcome':'denied'", "'outcome':'blocked'"))))
                .isEqualTo("content.cases[0].expect[5].outcome");
        assertThat(refusedAt(set(prompt, CASE.replace("'id':'refund-1'", "'id':'a b'"))))
                .isEqualTo("content.cases[0].id");
        assertThat(refusedAt(set(prompt, CASE.replace("'role':'user'", "'role':'robot'"))))
                .isEqualTo("content.cases[0].input.messages[0].role");
        String noExpect =
                "{'id':'c','input':{'messages':[{'role':'user','content':'hi'}]},'expect':[]}";
        assertThat(refusedAt(set(prompt, noExpect))).isEqualTo("content.cases[0].expect");
        String nothing = "{'id':'c','input':{},'expect':[{'type':'contains','value':'x'}]}";
        assertThat(refusedAt(set(prompt, nothing))).isEqualTo("content.cases[0].input.messages");
        String emptyMessages =
                "{'id':'c','input':{'variables':{'q':'x'},'messages':[]},"
                        + "'expect':[{'type':'contains','value':'x'}]}";
        assertThat(refusedAt(set(prompt, emptyMessages)))
                .isEqualTo("content.cases[0].input.messages");
    }

    /** Issue 23: "a case gives the input (messages, or prompt variables for a prompt binding)". */
    @Test
    void aPromptCaseMayBeGivenByItsVariablesAlone() {
        String onlyVariables =
                "{'id':'c','input':{'variables':{'q':'x'}},'expect':[{'type':'contains','value':'x'}]}";
        GoldenSetContent.Case c =
                parse(
                                set(
                                        "[{'kind':'prompt','target':'p'},{'kind':'prompt','target':'q'}]",
                                        onlyVariables))
                        .cases()
                        .get(0);
        assertThat(c.messages()).isNull();
        assertThat(c.variables().getString("q")).isEqualTo("x");
        // a binding that sends the case's own messages still needs them
        assertThat(refusedAt(set("[{'kind':'route','target':'r'}]", onlyVariables)))
                .isEqualTo("content.cases[0].input.messages");
        assertThat(
                        refusedAt(
                                set(
                                        "[{'kind':'prompt','target':'p'},{'kind':'route','target':'r'}]",
                                        onlyVariables)))
                .isEqualTo("content.cases[0].input.messages");
        String withModel = onlyVariables.replace("'input':{", "'input':{'model':'sandbox',");
        assertThat(refusedAt(set("[{'kind':'policy','target':'p'}]", withModel)))
                .isEqualTo("content.cases[0].input.messages");
        // so does a canary watching routes (a plain chat of the case's messages)
        String watchingRoutes =
                "{'binds':[{'kind':'prompt','target':'p'}],'minPassRate':0.9,"
                        + "'canary':{'everyMinutes':60,'routes':['support']},'cases':["
                        + onlyVariables
                        + "]}";
        assertThat(refusedAt(watchingRoutes)).isEqualTo("content.cases[0].input.messages");
        String watchingBindings = watchingRoutes.replace(",'routes':['support']", "");
        assertThat(parse(watchingBindings).cases().get(0).messages()).isNull();
    }

    @Test
    void bindingsMustOfferEvaluation() {
        assertThat(refusedAt(set("[{'kind':'provider','target':'p'}]", CASE)))
                .isEqualTo("content.binds[0].kind");
        assertThat(refusedAt(set("[]", CASE))).isEqualTo("content.binds");
        assertThat(
                        refusedAt(
                                set(
                                        "[{'kind':'prompt','target':'p'},{'kind':'prompt','target':'p'}]",
                                        CASE)))
                .isEqualTo("content.binds[1]");
        assertThat(refusedAt(set("[{'kind':'prompt','target':'p','x':1}]", CASE)))
                .isEqualTo("content.binds[0].x");
    }

    @Test
    void aPolicyCaseNamesItsModelAndAPromptCaseDoesNot() {
        assertThat(refusedAt(set("[{'kind':'policy','target':'p'}]", CASE)))
                .isEqualTo("content.cases[0].input.model");
        String withModel = CASE.replace("'input':{", "'input':{'model':'sandbox',");
        assertThat(refusedAt(set("[{'kind':'prompt','target':'p'}]", withModel)))
                .isEqualTo("content.cases[0].input.model");
        assertThat(parse(set("[{'kind':'policy','target':'p'}]", withModel)).cases().get(0).model())
                .isEqualTo("sandbox");
        assertThat(
                        refusedAt(
                                set(
                                        "[{'kind':'policy','target':'p'},{'kind':'prompt','target':'q'}]",
                                        withModel)))
                .isEqualTo("content.binds");
    }

    @Test
    void topLevelFieldsAreChecked() {
        assertThat(refusedAt("{'binds':[{'kind':'prompt','target':'p'}],'cases':[" + CASE + "]}"))
                .isEqualTo("content.minPassRate");
        assertThat(
                        refusedAt(
                                "{'binds':[{'kind':'prompt','target':'p'}],'minPassRate':0.5,'cases':[]}"))
                .isEqualTo("content.cases");
        assertThat(
                        refusedAt(
                                "{'binds':[{'kind':'prompt','target':'p'}],'minPassRate':0.5,'cases':["
                                        + CASE
                                        + "],'owner':'x'}"))
                .isEqualTo("content.owner");
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 201; i++) {
            many.append(i == 0 ? "" : ",").append(CASE.replace("refund-1", "c" + i));
        }
        assertThat(refusedAt(set("[{'kind':'prompt','target':'p'}]", many.toString())))
                .isEqualTo("content.cases");
    }

    @Test
    void riskIsLowOnlyForARaisedPassRate() {
        JsonObject live = json(set("[{'kind':'prompt','target':'p'}]", CASE));
        JsonObject added =
                json(
                        set(
                                "[{'kind':'prompt','target':'p'}]",
                                CASE + "," + CASE.replace("refund-1", "refund-2")));
        JsonObject raised = Json.createObjectBuilder(live).add("minPassRate", 0.95).build();
        JsonObject lowered = Json.createObjectBuilder(live).add("minPassRate", 0.5).build();
        JsonObject removed =
                json(set("[{'kind':'prompt','target':'p'}]", CASE.replace("refund-1", "other")));
        JsonObject changed =
                json(
                        set(
                                "[{'kind':'prompt','target':'p'}]",
                                CASE.replace("'value':'refund'", "'value':'r'")));
        JsonObject rebound = json(set("[{'kind':'prompt','target':'q'}]", CASE));
        assertThat(GoldenSetChangeKind.onlyStricter(added, live))
                .as("easy cases added dilute a failing one")
                .isFalse();
        assertThat(GoldenSetChangeKind.onlyStricter(raised, live)).isTrue();
        assertThat(GoldenSetChangeKind.onlyStricter(live, live)).isTrue();
        assertThat(GoldenSetChangeKind.onlyStricter(lowered, live)).isFalse();
        assertThat(GoldenSetChangeKind.onlyStricter(removed, live)).isFalse();
        assertThat(GoldenSetChangeKind.onlyStricter(changed, live)).isFalse();
        assertThat(GoldenSetChangeKind.onlyStricter(rebound, live)).isFalse();
        GoldenSetChangeKind k = new GoldenSetChangeKind();
        assertThat(k.risk(null, "s", added, Optional.empty()))
                .as("a new set decides what evidence gates changes")
                .isEqualTo(io.gatehouse.governance.RiskClass.HIGH);
        assertThat(
                        k.risk(
                                null,
                                "s",
                                raised,
                                Optional.of(new io.gatehouse.governance.LiveVersion("1", live))))
                .isEqualTo(io.gatehouse.governance.RiskClass.LOW);
        assertThat(
                        k.risk(
                                null,
                                "s",
                                added,
                                Optional.of(new io.gatehouse.governance.LiveVersion("1", live))))
                .isEqualTo(io.gatehouse.governance.RiskClass.HIGH);
        assertThat(
                        k.risk(
                                null,
                                "s",
                                lowered,
                                Optional.of(new io.gatehouse.governance.LiveVersion("1", live))))
                .isEqualTo(io.gatehouse.governance.RiskClass.HIGH);
    }

    @Test
    void aSetBelongsToATenant() {
        assertThatThrownBy(
                        () -> new GoldenSetChangeKind().validate(null, "s", json(set("[]", CASE))))
                .isInstanceOf(ValidationException.class);
    }
}
