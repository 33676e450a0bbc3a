package io.gatehouse.routing.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.routing.internal.persistence.CatalogRows;
import io.gatehouse.routing.internal.pipeline.GatewayRequests;
import io.gatehouse.shared.TenantId;
import jakarta.json.JsonObject;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which provider and route changes are HIGH risk: a table of live content, proposal, verdict. */
class CatalogRiskTest {
    static final String LIVE_PROVIDER =
            "{'kind':'openai','baseUrl':'https://api.example/v1','region':'us-east','clearance':2,"
                    + "'timeoutMs':30000,'maxConcurrency':64,'options':{'breakerFailures':5},"
                    + "'models':[{'name':'m1','capabilities':['chat','tools'],'inputPricePerMillion':'1'},"
                    + "{'name':'m2'}]}";

    static JsonObject json(String s) {
        return GatewayRequests.parse(s.replace('\'', '"'));
    }

    /** The live provider as governance sees it: the row, stored and read back as content. */
    static JsonObject liveProvider(String content) {
        CatalogRows.ProviderRow r = CatalogContent.provider("p", json(content), null);
        return CatalogContent.providerContent(
                new Provider(
                        UUID.randomUUID(),
                        new TenantId(UUID.randomUUID()),
                        r.name(),
                        r.kind(),
                        r.baseUrl(),
                        r.sealedCredential(),
                        r.region(),
                        r.clearance(),
                        r.timeoutMs(),
                        r.maxConcurrency(),
                        r.options(),
                        r.enabled(),
                        "v1",
                        r.models()));
    }

    static JsonObject with(String base, String field, String value) {
        JsonObject b = json(base);
        return value == null
                ? jakarta.json.Json.createObjectBuilder(b).remove(field).build()
                : jakarta.json.Json.createObjectBuilder(b)
                        .add(field, json("{'v':" + value + "}").get("v"))
                        .build();
    }

    @ParameterizedTest(name = "{0} = {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            quoteCharacter = '"',
            value = {
                // relabelling a provider defeats residency rules that match on region
                "region          | 'eu-west'                                     | region",
                "region          | -                                             | region",
                "clearance       | 3                                             | clearance",
                "clearance       | 1                                             | clearance",
                "kind            | 'anthropic'                                   | kind",
                "baseUrl         | 'https://elsewhere.example/v1'                | baseUrl",
                "options         | {'breakerFailures':5,'organization':'other'}  | options.organization",
                "options         | {'breakerFailures':5,'dataRetentionDays':30}  | options.dataRetentionDays",
                "models          | [{'name':'m1','capabilities':['chat','tools']},{'name':'m3'}] | models",
                "models          | [{'name':'m1','capabilities':['chat','tools','vision']},{'name':'m2'}] | models.m1.capabilities",
                // tuning only
                "timeoutMs       | 5000                                          | -",
                "maxConcurrency  | 8                                             | -",
                "options         | {'breakerFailures':9,'breakerOpenMs':1000}    | -",
                "models          | [{'name':'m1','capabilities':['chat','tools'],'inputPricePerMillion':'2','contextWindow':99},{'name':'m2'}] | -",
                "enabled         | false                                         | -",
            })
    void providerChanges(String field, String value, String highField) {
        JsonObject live = liveProvider(LIVE_PROVIDER);
        CatalogRows.ProviderRow proposed =
                CatalogContent.provider("p", with(LIVE_PROVIDER, field, value), null);
        if (highField == null) {
            assertThat(CatalogRisk.providerChange(live, proposed)).isEmpty();
        } else {
            assertThat(CatalogRisk.providerChange(live, proposed)).contains(highField);
        }
    }

    @org.junit.jupiter.api.Test
    void enablingADisabledProviderIsHigh() {
        JsonObject live = liveProvider(with(LIVE_PROVIDER, "enabled", "false").toString());
        assertThat(
                        CatalogRisk.providerChange(
                                live, CatalogContent.provider("p", json(LIVE_PROVIDER), null)))
                .containsExactly("enabled");
    }

    static final String LIVE_ROUTE =
            "{'operation':'chat','strategy':'priority','cacheTtlSeconds':0,"
                    + "'targets':[{'provider':'a','model':'m1','weight':1},{'provider':'b','model':'m2','weight':1}]}";

    static JsonObject liveRoute(String content) {
        CatalogRows.RouteRow r = CatalogContent.route("r", json(content));
        return CatalogContent.routeContent(
                new Route(
                        UUID.randomUUID(),
                        r.alias(),
                        r.operation(),
                        r.strategy(),
                        r.requiredCapabilities(),
                        r.cacheTtlSeconds(),
                        r.enabled(),
                        "v1",
                        r.targets()));
    }

    @ParameterizedTest(name = "{0} = {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            nullValues = "-",
            quoteCharacter = '"',
            value = {
                "operation        | 'embeddings'                                               | operation",
                // the answer cache keeps answers: data retention
                "cacheTtlSeconds  | 3600                                                       | cacheTtlSeconds",
                "targets          | [{'provider':'a','model':'m1'},{'provider':'c','model':'m2'}] | targets",
                "targets          | [{'provider':'a','model':'m9'}]                            | targets",
                "strategy         | 'weighted'                                                 | -",
                "targets          | [{'provider':'b','model':'m2','weight':5},{'provider':'a','model':'m1','weight':1}] | -",
                "targets          | [{'provider':'a','model':'m1'}]                            | -",
                "requiredCapabilities | ['tools']                                              | -",
            })
    void routeChanges(String field, String value, String highField) {
        JsonObject live = liveRoute(LIVE_ROUTE);
        CatalogRows.RouteRow proposed = CatalogContent.route("r", with(LIVE_ROUTE, field, value));
        if (highField == null) {
            assertThat(CatalogRisk.routeChange(live, proposed)).isEmpty();
        } else {
            assertThat(CatalogRisk.routeChange(live, proposed)).contains(highField);
        }
    }
}
