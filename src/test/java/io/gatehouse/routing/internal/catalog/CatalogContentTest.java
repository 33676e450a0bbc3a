package io.gatehouse.routing.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.routing.internal.pipeline.GatewayRequests;
import io.gatehouse.shared.error.ValidationException;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogContentTest {
    static JsonObject json(String s) {
        return GatewayRequests.parse(s.replace('\'', '"'));
    }

    @Test
    void providerContentBecomesARowWithExactPrices() {
        var row =
                CatalogContent.provider(
                        "openai-eu",
                        json(
                                "{'kind':'openai','baseUrl':'https://api.openai.com/v1','region':'eu-west','clearance':2,"
                                        + "'models':[{'name':'gpt-4o-mini','capabilities':['chat','tools'],"
                                        + "'inputPricePerMillion':'0.15','outputPricePerMillion':0.6}]}"),
                        "v1:sealed");
        assertThat(row.kind()).isEqualTo("openai");
        assertThat(row.clearance()).isEqualTo(2);
        assertThat(row.sealedCredential()).isEqualTo("v1:sealed");
        assertThat(row.models().get(0).inputPriceMicros()).isEqualTo(150_000);
        assertThat(row.models().get(0).outputPriceMicros()).isEqualTo(600_000);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{'kind':'cohere','models':[{'name':'m'}]} | content.kind",
                "{'kind':'openai','baseUrl':'http://169.254.169.254/v1','models':[{'name':'m'}]} | content.baseUrl",
                "{'kind':'openai','baseUrl':'http://metadata.google.internal/','models':[{'name':'m'}]} | content.baseUrl",
                "{'kind':'openai','baseUrl':'ftp://x/','models':[{'name':'m'}]} | content.baseUrl",
                "{'kind':'azure-openai','models':[{'name':'m'}]} | content.baseUrl",
                "{'kind':'openai','models':[]} | content.models",
                "{'kind':'openai','clearance':4,'models':[{'name':'m'}]} | content.clearance",
                "{'kind':'openai','models':[{'name':'m','capabilities':['telepathy']}]} | content.models[0].capabilities",
                "{'kind':'openai','models':[{'name':'m','inputPricePerMillion':'-1'}]} | content.models[0].inputPricePerMillion",
                "{'kind':'openai','models':[{'name':'m'},{'name':'m'}]} | content.models[1].name",
                "{'kind':'openai','models':[{'name':'m'},{'name':'n','contextWindow':0}]} | content.models[1].contextWindow",
                "{'kind':'openai','models':[{'name':'m'},{'name':7}]} | content.models[1].name",
                "{'kind':'openai','options':{'responsesApi':'yes'},'models':[{'name':'m'}]} | content.options.responsesApi",
                "{'kind':'anthropic','options':{'responsesApi':true},'models':[{'name':'m'}]} | content.options.responsesApi"
            })
    void invalidProviderContentNamesTheField(String content, String param) {
        assertThatThrownBy(() -> CatalogContent.provider("p", json(content), null))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo(param);
    }

    @Test
    void aProviderCannotExemptItselfFromTheEgressRules() {
        // the old per-provider opt-out is refused: the tenant's egress allow-list (platform admins)
        // decides
        assertThatThrownBy(
                        () ->
                                CatalogContent.provider(
                                        "p",
                                        json(
                                                "{'kind':'openai','baseUrl':'http://169.254.10.10/v1','options':{'allowLinkLocal':true},'models':[{'name':'m'}]}"),
                                        null))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo("content.options.allowLinkLocal");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "{'strategy':'random','targets':[{'provider':'p','model':'m'}]} | content.strategy",
                "{'operation':'images','targets':[{'provider':'p','model':'m'}]} | content.operation",
                "{'targets':[]} | content.targets",
                "{'targets':[{'provider':'p'}]} | content.targets[0]",
                "{'targets':[{'provider':'p','model':'m'},{'provider':'p','model':'n','weight':-1}]} | content.targets[1].weight",
                "{'targets':[{'provider':'p','model':'m'},{'provider':1,'model':'n'}]} | content.targets[1].provider",
                "{'strategy':'weighted','targets':[{'provider':'p','model':'m','weight':0}]} | content.targets",
                "{'cacheTtlSeconds':-1,'targets':[{'provider':'p','model':'m'}]} | content.cacheTtlSeconds"
            })
    void invalidRouteContentNamesTheField(String content, String param) {
        assertThatThrownBy(() -> CatalogContent.route("r", json(content)))
                .isInstanceOf(ValidationException.class)
                .extracting(e -> ((ValidationException) e).param())
                .isEqualTo(param);
    }

    @Test
    void aliasesCannotImpersonateManagedPrompts() {
        assertThatThrownBy(() -> CatalogContent.checkAlias("prompt:x@production"))
                .isInstanceOf(ValidationException.class);
    }
}
