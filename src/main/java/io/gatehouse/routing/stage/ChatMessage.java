package io.gatehouse.routing.stage;

/**
 * One chat message's role and text as stages see it. {@code text} is the concatenated text parts of
 * the message (image parts are kept by routing and not shown here); a stage that changes it (prompt
 * rendering, redaction) replaces the text.
 */
public final class ChatMessage {
    private final String role;
    private String text;
    private final boolean fromTemplate;

    public ChatMessage(String role, String text, boolean fromTemplate) {
        this.role = role;
        this.text = text;
        this.fromTemplate = fromTemplate;
    }

    public String role() {
        return role;
    }

    public String text() {
        return text;
    }

    public void text(String newText) {
        this.text = newText;
    }

    /** True for messages a managed prompt template contributed. */
    public boolean fromTemplate() {
        return fromTemplate;
    }
}
