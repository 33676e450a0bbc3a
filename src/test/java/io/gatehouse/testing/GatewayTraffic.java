package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Gateway traffic for tests of what is kept of it: a tenant's retention mode, a chat request
 * through a stand-in provider, the stand-in's answer, a policy that redacts e-mail addresses.
 */
public final class GatewayTraffic {
    static final Http HTTP = Http.local();

    private GatewayTraffic() {}

    /** An OpenAI chat answer of model {@code mx} whose text is {@code text}. */
    public static String answer(String text) {
        return StandInProvider.chatCompletion("mx", text, 10, 5);
    }

    /** Sets the tenant's content retention mode (30 days) as its admin. */
    public static void retention(TestTenant t, String mode) {
        Http.Response set =
                HTTP.method(
                        "PUT",
                        "/api/v1/audit/retention",
                        "{\"mode\":\"" + mode + "\",\"retentionDays\":30}",
                        t.auth("admin"));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
    }

    /** A fresh tenant on its own stand-in path answering {@code answerText}, with {@code mode}. */
    public static TestTenant tenant(
            StandInProvider standIn, String path, String mode, String answerText) throws Exception {
        standIn.answerJson(path + "/chat/completions", answer(answerText));
        TestTenant t = standIn.tenant("openai", path, "pm", "mx", "chat,streaming", "fw");
        retention(t, mode);
        return t;
    }

    /** One user message to route {@code fw} with the tenant's key; returns the request id. */
    public static String chat(TestTenant t, String text) {
        Http.Response r =
                HTTP.post(
                        "/v1/chat/completions",
                        "{\"model\":\"fw\",\"messages\":[{\"role\":\"user\",\"content\":\""
                                + text
                                + "\"}]}",
                        "Authorization",
                        "Bearer " + t.apiKey());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.header("x-request-id");
    }

    /** An enforced policy redacting e-mail addresses in prompts and answers. */
    public static JsonObject redactMail() {
        return Json.createObjectBuilder()
                .add("mode", "enforce")
                .add(
                        "rules",
                        Json.createArrayBuilder()
                                .add(
                                        Json.createObjectBuilder()
                                                .add("id", "redact-mail")
                                                .add("condition", "entities.email.count > 0")
                                                .add("action", "redact")
                                                .add(
                                                        "entities",
                                                        Json.createArrayBuilder().add("email"))
                                                .add("stage", "both")))
                .build();
    }
}
