package io.gatehouse.shared;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.shared.error.ErrorBodies;
import org.junit.jupiter.api.Test;

class RequestPathsTest {

    @Test
    void everyOtherSpellingOfAPathReadsAsThatPath() {
        for (String form :
                new String[] {
                    "v1/messages",
                    "/v1/messages",
                    "v1//messages",
                    "v1/./messages",
                    "v1/x/../messages",
                    "v1/messages;x=y",
                    "v1;x=y/messages",
                    "v1/..;/v1/messages",
                    "./v1/messages"
                }) {
            assertThat(RequestPaths.canonical(form)).as(form).isEqualTo("v1/messages");
            assertThat(ErrorBodies.isAnthropicPath(form)).as(form).isTrue();
            assertThat(ErrorBodies.isOpenAiPath(form)).as(form).isTrue();
        }
        assertThat(RequestPaths.canonical("v1/messages/")).isEqualTo("v1/messages/");
        assertThat(RequestPaths.canonical("../../v1")).isEqualTo("v1");
        assertThat(RequestPaths.canonical("")).isEmpty();
        assertThat(RequestPaths.canonical("/")).isEmpty();
    }

    @Test
    void onlyTheCanonicalFormIsCanonical() {
        assertThat(RequestPaths.isCanonical("v1/messages")).isTrue();
        assertThat(RequestPaths.isCanonical("/v1/messages")).isTrue();
        assertThat(RequestPaths.isCanonical("v1/models/")).isTrue();
        assertThat(RequestPaths.isCanonical("api/v1/lineage/prompt-versions/a/v3/requests"))
                .isTrue();
        for (String form :
                new String[] {
                    "v1//messages",
                    "v1/./messages",
                    "v1/../api/v1/me",
                    "v1/messages;x=y",
                    "v1;x=1/models",
                    "v1//",
                    "v1/..;/api"
                }) {
            assertThat(RequestPaths.isCanonical(form)).as(form).isFalse();
        }
    }

    @Test
    void aPathThatLeavesV1IsNotV1AndOtherCaseIsAnotherPath() {
        assertThat(RequestPaths.isV1("v1/../api/v1/me")).isFalse();
        assertThat(RequestPaths.isV1("api/../v1/models")).isTrue();
        assertThat(RequestPaths.isV1("V1/messages")).isFalse();
        assertThat(ErrorBodies.isAnthropicPath("v1/MESSAGES")).isFalse();
        assertThat(ErrorBodies.isAnthropicPath("v1/messagesx")).isFalse();
        assertThat(ErrorBodies.isAnthropicPath("v1/messages/count_tokens")).isTrue();
    }

    @Test
    void aRequestWithABackslashOrAnEncodedSeparatorIsNotCanonical() {
        assertThat(RequestPaths.isCanonicalRequest("api/v1/me", "api/v1/me")).isTrue();
        assertThat(RequestPaths.isCanonicalRequest("mcp", "/mcp")).isTrue();
        assertThat(RequestPaths.isCanonicalRequest("api/v1/me", "api/v1%2fme")).isFalse();
        assertThat(RequestPaths.isCanonicalRequest("api/v1/me", "api%2Fv1/me")).isFalse();
        assertThat(RequestPaths.isCanonicalRequest("api/v1\\me", "api/v1%5Cme")).isFalse();
        assertThat(RequestPaths.isCanonicalRequest("api/v1\\me", "api/v1\\me")).isFalse();
        assertThat(RequestPaths.isCanonicalRequest("mcp;x=1", "mcp;x=1")).isFalse();
        assertThat(RequestPaths.isCanonicalRequest("v1/../api/v1/me", "v1/../api/v1/me")).isFalse();
        // an encoded character that is no separator is the path's own
        assertThat(RequestPaths.isCanonicalRequest("api/v1/changes/a b", "api/v1/changes/a%20b"))
                .isTrue();
    }
}
