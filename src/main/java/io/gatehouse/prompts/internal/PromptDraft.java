package io.gatehouse.prompts.internal;

import java.util.UUID;

/**
 * A prompt change's proposed content, attached to one exchange (a test call through the draft,
 * issue 21, see {@code routing.stage.OverriddenCalls}): {@link PromptStage} renders it in place of
 * the label's published version for that exchange only.
 *
 * @param changeId the change request whose content this is
 * @param version the content as the stage renders it (version 0: not published)
 */
record PromptDraft(UUID changeId, PublishedVersion version) {}
