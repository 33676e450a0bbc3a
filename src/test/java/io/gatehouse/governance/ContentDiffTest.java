package io.gatehouse.governance;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.TenantId;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContentDiffTest {
    /** A kind with a secret field, standing in for a provider (test code only). */
    static final class FakeProviderKind implements ChangeKind {
        @Override
        public String kind() {
            return "fake-provider";
        }

        @Override
        public JsonObject validate(TenantId tenant, String target, JsonObject content) {
            return content;
        }

        @Override
        public Optional<LiveVersion> live(TenantId tenant, String target) {
            return Optional.empty();
        }

        @Override
        public Optional<String> committedVersion(TenantId tenant, String target) {
            return Optional.empty();
        }

        @Override
        public RiskClass risk(TenantId t, String target, JsonObject p, Optional<LiveVersion> live) {
            return RiskClass.HIGH;
        }

        @Override
        public String apply(TenantId tenant, String target, JsonObject content, ChangeContext c) {
            return "1";
        }

        @Override
        public Set<String> secretFields() {
            return Set.of("credential");
        }
    }

    static JsonObject json(String s) {
        return Json.createReader(new StringReader(s.replace('\'', '"'))).readObject();
    }

    @Test
    void promptDiffShowsChangedAddedAndRemovedLeavesWithPointers() {
        JsonObject live =
                json(
                        "{'messages':[{'role':'system','content':'Be brief.'}],'route':'sandbox',"
                                + "'variables':{'type':'object','properties':{'a':{'type':'string'}}},'label':'production'}");
        JsonObject proposed =
                json(
                        "{'messages':[{'role':'system','content':'Be kind.'},{'role':'user','content':'{{q}}'}],"
                                + "'route':'sandbox','variables':{'type':'object','properties':{'q':{'type':'string'}}},"
                                + "'label':'production'}");
        JsonArray diff = ContentDiff.between(live, proposed, Set.of());
        assertThat(diff)
                .containsExactlyInAnyOrder(
                        json(
                                "{'path':'/messages/0/content','op':'changed','from':'Be brief.','to':'Be kind.'}"),
                        json(
                                "{'path':'/messages/1','op':'added','to':{'role':'user','content':'{{q}}'}}"),
                        json(
                                "{'path':'/variables/properties/a','op':'removed','from':{'type':'string'}}"),
                        json(
                                "{'path':'/variables/properties/q','op':'added','to':{'type':'string'}}"));
    }

    @Test
    void nothingLiveMeansEverythingIsAdded() {
        JsonArray diff = ContentDiff.between(null, json("{'route':'x','n':1}"), Set.of());
        assertThat(diff)
                .containsExactly(
                        json("{'path':'/route','op':'added','to':'x'}"),
                        json("{'path':'/n','op':'added','to':1}"));
    }

    @Test
    void identicalContentHasAnEmptyDiff() {
        JsonObject c = json("{'a':[1,2,{'b':null}],'c':'d'}");
        assertThat(ContentDiff.between(c, c, Set.of())).isEmpty();
    }

    @Test
    void aCredentialIsShownOnlyAsChanged() {
        FakeProviderKind kind = new FakeProviderKind();
        JsonObject live =
                json("{'baseUrl':'https://a.example','credential':'" + ContentDiff.MASK + "'}");
        JsonObject proposed =
                json("{'baseUrl':'https://b.example','credential':'v1:k1:c2VhbGVkLXNlY3JldA=='}");
        JsonArray diff = ContentDiff.between(live, proposed, kind.secretFields());
        assertThat(diff)
                .containsExactlyInAnyOrder(
                        json(
                                "{'path':'/baseUrl','op':'changed','from':'https://a.example','to':'https://b.example'}"),
                        json("{'path':'/credential','op':'changed','secret':true}"));
        assertThat(diff.toString()).doesNotContain("c2VhbGVk").doesNotContain("v1:k1");
    }

    @Test
    void aNewCredentialIsAddedAndARemovedOneRemovedWithoutValues() {
        Set<String> secret = Set.of("credential");
        assertThat(ContentDiff.between(null, json("{'credential':'sk-live-123'}"), secret))
                .containsExactly(json("{'path':'/credential','op':'added','secret':true}"));
        assertThat(ContentDiff.between(json("{'credential':'********'}"), json("{}"), secret))
                .containsExactly(json("{'path':'/credential','op':'removed','secret':true}"));
    }

    @Test
    void maskHidesSecretFieldsOnly() {
        JsonObject masked =
                ContentDiff.mask(
                        json("{'credential':'sk-live-123','name':'openai'}"), Set.of("credential"));
        assertThat(masked).isEqualTo(json("{'credential':'********','name':'openai'}"));
        assertThat(masked.toString()).doesNotContain("sk-live");
    }

    @Test
    void keysWithSlashesAndTildesAreEscaped() {
        assertThat(ContentDiff.between(json("{'a/b~c':1}"), json("{'a/b~c':2}"), Set.of()))
                .containsExactly(json("{'path':'/a~1b~0c','op':'changed','from':1,'to':2}"));
    }

    @Test
    void aLiveSecretFlaggedBySetCountsAsPresent() {
        Set<String> secret = Set.of("credential");
        JsonObject live = json("{'kind':'openai','credentialSet':true}");
        assertThat(
                        ContentDiff.between(
                                live,
                                json("{'kind':'openai','credential':'v1:k:c2VhbGVk'}"),
                                secret))
                .containsExactly(json("{'path':'/credential','op':'changed','secret':true}"));
        assertThat(ContentDiff.between(live, json("{'kind':'openai','credential':null}"), secret))
                .containsExactly(json("{'path':'/credential','op':'removed','secret':true}"));
        assertThat(
                        ContentDiff.between(
                                json("{'credentialSet':false}"),
                                json("{'credential':'x'}"),
                                secret))
                .containsExactly(json("{'path':'/credential','op':'added','secret':true}"));
    }
}
