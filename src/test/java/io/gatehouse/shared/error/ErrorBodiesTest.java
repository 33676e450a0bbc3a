package io.gatehouse.shared.error;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The two error shapes, written out as the bytes a client gets (known answers: an SDK parses these,
 * so a change of a key or a type must fail here).
 */
class ErrorBodiesTest {

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request_error",
        "401, authentication_error",
        "403, permission_error",
        "404, invalid_request_error",
        "409, invalid_request_error",
        "413, invalid_request_error",
        "429, rate_limit_error",
        "500, server_error",
        "502, server_error",
        "503, server_error",
        "504, server_error"
    })
    void eachStatusHasOneOpenAiType(int status, String type) {
        assertThat(ErrorBodies.openAiType(status)).isEqualTo(type);
    }

    @ParameterizedTest
    @CsvSource({
        "400, invalid_request_error",
        "401, authentication_error",
        "403, permission_error",
        "404, not_found_error",
        "413, request_too_large",
        "429, rate_limit_error",
        "500, api_error",
        "502, api_error",
        "503, overloaded_error",
        "504, api_error"
    })
    void eachStatusHasOneAnthropicType(int status, String type) {
        assertThat(ErrorBodies.anthropicType(status)).isEqualTo(type);
    }

    @Test
    void anthropicErrorObjectOnTheMessagesPathsOnly() {
        assertThat(ErrorBodies.anthropic(401, "No \"key\""))
                .isEqualTo(
                        "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                                + "\"message\":\"No \\\"key\\\"\"}}");
        assertThat(ErrorBodies.isAnthropicPath("v1/messages")).isTrue();
        assertThat(ErrorBodies.isAnthropicPath("/v1/messages/count_tokens")).isTrue();
        assertThat(ErrorBodies.isAnthropicPath("/v1/messagesx")).isFalse();
        assertThat(ErrorBodies.isAnthropicPath("/v1/chat/completions")).isFalse();
    }

    @Test
    void openAiErrorObject() {
        assertThat(
                        ErrorBodies.openAi(
                                502, "upstream_stream_error", "The \"provider\" failed", null))
                .isEqualTo(
                        "{\"error\":{\"message\":\"The \\\"provider\\\" failed\","
                                + "\"type\":\"server_error\",\"code\":\"upstream_stream_error\","
                                + "\"param\":null}}");
        assertThat(ErrorBodies.openAi(400, "invalid_value", "bad", "messages"))
                .isEqualTo(
                        "{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\","
                                + "\"code\":\"invalid_value\",\"param\":\"messages\"}}");
    }

    @Test
    void problemJson() {
        assertThat(
                        ErrorBodies.problem(
                                "api/v1/keys",
                                413,
                                "request_too_large",
                                "The request body is larger than 10 bytes",
                                null,
                                "req_1"))
                .isEqualTo(
                        "{\"type\":\"urn:gatehouse:problem:request_too_large\","
                                + "\"title\":\"Content Too Large\",\"status\":413,"
                                + "\"detail\":\"The request body is larger than 10 bytes\","
                                + "\"code\":\"request_too_large\",\"instance\":\"/api/v1/keys\","
                                + "\"requestId\":\"req_1\"}");
        assertThat(ErrorBodies.problem("/api/v1/x", 503, "shutting_down", "m", "p", null))
                .isEqualTo(
                        "{\"type\":\"urn:gatehouse:problem:shutting_down\","
                                + "\"title\":\"Service Unavailable\",\"status\":503,"
                                + "\"detail\":\"m\",\"code\":\"shutting_down\","
                                + "\"instance\":\"/api/v1/x\",\"param\":\"p\"}");
    }

    @Test
    void pathsChooseTheShape() {
        assertThat(ErrorBodies.isOpenAiPath("/v1/chat/completions")).isTrue();
        assertThat(ErrorBodies.isOpenAiPath("v1")).isTrue();
        assertThat(ErrorBodies.isOpenAiPath("/api/v1/keys")).isFalse();
        assertThat(ErrorBodies.isOpenAiPath("/v10/x")).isFalse();
    }

    @Test
    void problemExtensionsAreAddedAndNeverReplaceAStandardMember() {
        String body =
                ErrorBodies.problem(
                        "/api/v1/changes/x/publish",
                        409,
                        "evidence_failed",
                        "Cannot publish",
                        null,
                        "req_1",
                        jakarta.json.Json.createObjectBuilder()
                                .add("goldenSets", jakarta.json.Json.createArrayBuilder().add("gs"))
                                .add("status", 200)
                                .add("code", "ok")
                                .build());
        assertThat(body)
                .isEqualTo(
                        "{\"type\":\"urn:gatehouse:problem:evidence_failed\",\"title\":\"Conflict\","
                                + "\"status\":409,\"detail\":\"Cannot publish\",\"code\":\"evidence_failed\","
                                + "\"instance\":\"/api/v1/changes/x/publish\",\"requestId\":\"req_1\","
                                + "\"goldenSets\":[\"gs\"]}");
    }
}
