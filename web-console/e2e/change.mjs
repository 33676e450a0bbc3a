// Browser flows of the change page (issue 21): every workflow action the API has (revise, submit,
// rebase, approve, request changes, reject, withdraw, publish, break-glass rollback and its review
// after the fact), each refusal with its reason, the comment thread with replies (by keyboard) and the
// side-by-side diff of prompt messages, the test call through a prompt or policy draft; axe-core on each state of the page, and 800 px.
// Sets up its own data through the API (unique targets), so it also runs alone: -Dconsole.only=change.

export default async function (ctx) {
  const { step, check, newPage, signIn, api, token, chat, axe, fitsAt800, docShot, shot, base } = ctx;
  const sfx = Date.now().toString(36);
  const tokens = {};
  const as = async (user) => (tokens[user] ??= await token(user));

  const promptContent = (text, userMessage = "{{question}}") => ({
    messages: [{ role: "system", content: text }, { role: "user", content: userMessage }],
    variables: {
      type: "object",
      required: ["product", "question"],
      properties: { product: { type: "string" }, question: { type: "string" } },
    },
    route: "sandbox",
    label: "production",
  });

  async function create(user, target, text, comment = "e2e change page", userMessage = undefined) {
    const r = await api("POST", "/api/v1/changes", await as(user), { kind: "prompt", target, content: promptContent(text, userMessage), comment });
    check(r.status === 201, `${user} creates a change of ${target}: 201, got ${r.status} ${r.text}`);
    return r.json.id;
  }
  async function act(user, id, action, comment) {
    const r = await api("POST", `/api/v1/changes/${id}/${action}`, await as(user), comment ? { comment } : {});
    check(r.status === 200 || r.status === 201, `${user}: ${action} answers 200, got ${r.status} ${r.text}`);
    return r.json;
  }
  async function publishThroughReview(author, reviewer, target, text, userMessage = undefined) {
    const id = await create(author, target, text, "e2e change page", userMessage);
    await act(author, id, "submit");
    await act(reviewer, id, "approve");
    await act("admin", id, "publish");
    return id;
  }

  async function open(user, id, label = user) {
    const page = await newPage(`${label}-change`);
    await signIn(page, user);
    await page.goto(`${base}/console/changes/${id}`);
    await page.locator(".toolbar [data-state]").waitFor();
    return page;
  }
  const state = (page) => page.locator(".toolbar [data-state]").getAttribute("data-state");
  const button = (page, action) => page.locator(`button[data-action="${action}"]`);
  const reasonFor = async (page, action) => {
    const b = button(page, action);
    check((await b.count()) === 1, `the ${action} button is shown`);
    check(await b.isDisabled(), `${action} is disabled`);
    const r = page.locator(`[data-reason-for="${action}"]`);
    // the reason is the button's description for assistive technology too
    check((await b.getAttribute("aria-describedby")) === (await r.getAttribute("id")), `${action} is described by its reason`);
    return (await r.textContent()) ?? "";
  };
  // The notice of this action (an earlier notice may still be on the page until it redraws).
  const done = async (page, words) => {
    try {
      await page.getByTestId("info").filter({ hasText: words }).waitFor();
    } catch (e) {
      const alert = await page.getByRole("alert").allTextContents().catch(() => []);
      throw new Error(`the page should say "${words}"; alerts: ${alert.join(" | ")}: ${e.message}`);
    }
  };

  // ---- Revise, the side-by-side diff, submit ----
  const t1 = `e2e-chg-${sfx}`;
  let draftId = null;
  await step("change page: alice revises her draft in the page, reads the messages side by side and submits", async () => {
    await publishThroughReview("alice", "bob", t1, "You answer questions about {{product}}.\nBe brief.");
    draftId = await create("alice", t1, "You answer questions about {{product}}.\nBe brief.", "first draft");
    const page = await open("alice", draftId);
    check(await button(page, "revise").isEnabled(), "revise is enabled on her draft");
    check(await button(page, "submit").isEnabled(), "submit is enabled on her draft");
    check((await reasonFor(page, "rebase")).includes("Nothing to rebase"), "rebase says there is nothing to rebase");

    // Revise by keyboard: the Revise button opens the editor, the content goes in as JSON.
    await button(page, "revise").focus();
    await page.keyboard.press("Enter");
    const content = page.getByLabel("Content (JSON)");
    await content.waitFor();
    check(await content.evaluate((el) => el === document.activeElement), "the editor takes the focus");
    await content.fill(JSON.stringify(promptContent("You answer questions about {{product}}.\nBe brief and kind.\nCite the manual."), null, 2));
    await page.getByLabel("Comment", { exact: true }).fill("Kinder, with sources");
    await page.getByRole("button", { name: "Save revision" }).click();
    await done(page, "new revision");
    check((await page.locator(".facts").textContent()).includes("Revision2"), "the change is at revision 2");

    const sbs = page.getByTestId("messages-side-by-side");
    await sbs.waitFor();
    const first = sbs.locator('table[data-message="0"]');
    check((await first.locator("td.side-removed").allTextContents()).some((t) => t.includes("Be brief.")), "the old line is on the left, marked removed");
    const added = await first.locator("td.side-added").allTextContents();
    check(added.some((t) => t.includes("Be brief and kind.")) && added.some((t) => t.includes("Cite the manual.")), `the new lines are on the right, got ${added}`);
    check((await first.locator("td.side-same").count()) === 2, "the unchanged line stands on both sides");
    check((await sbs.locator('table[data-message="1"] caption').textContent()).includes("unchanged"), "the unchanged user message says so");
    // The preview renders the draft's messages with sample variables, as the values are typed.
    const preview = page.getByTestId("prompt-preview");
    check((await page.getByTestId("preview-missing").textContent()).includes("product, question"), "the empty required variables are named");
    // the preview's fields (the test call panel below has fields of the same names)
    const previewSection = page.locator("section", { has: page.locator("#preview-title") });
    await previewSection.getByLabel("{{product}} (required)").fill("Gatehouse");
    await previewSection.getByLabel("{{question}} (required)").fill("How do I roll back?");
    const rendered = await preview.textContent();
    check(rendered.includes("You answer questions about Gatehouse.") && rendered.includes("How do I roll back?"), `the preview renders the variables, got: ${rendered}`);
    check((await page.getByTestId("preview-missing").count()) === 0, "nothing required is missing any more");
    await axe(page, "change page (draft, side-by-side diff)");
    await docShot(page, "change-side-by-side");
    await fitsAt800(page, "change page with the side-by-side diff");

    // A revision with invalid JSON never reaches the server.
    await button(page, "revise").click();
    await page.getByLabel("Content (JSON)").fill("{ not json");
    await page.getByRole("button", { name: "Save revision" }).click();
    check((await page.getByTestId("action-messages").getByRole("alert").textContent()).includes("not valid JSON"), "invalid JSON is refused in the page");
    await page.getByRole("button", { name: "Cancel" }).click();

    await button(page, "submit").click();
    await done(page, "Submitted");
    check((await state(page)) === "in_review", "the change is in review");
    check((await reasonFor(page, "revise")).includes("fixed once submitted"), "revise says the content is fixed once submitted");
    check((await reasonFor(page, "approve")).includes("You authored a revision of this change"), "approve says she authored it");
  });

  // ---- The thread: a comment and a reply, by keyboard ----
  await step("change page: bob asks in the thread, alice replies by keyboard under his comment", async () => {
    check(draftId, "the draft of the previous step exists");
    const bob = await open("bob", draftId);
    check((await reasonFor(bob, "withdraw")).includes("Withdrawing needs the author role."), "withdraw tells a reviewer it needs the author role");
    await bob.getByLabel("New comment").fill("Why cite the manual?");
    await bob.getByRole("button", { name: "Post comment" }).click();
    await done(bob, "Comment posted");
    const asked = bob.locator("[data-comment]", { hasText: "Why cite the manual?" }).first();
    const askedId = await asked.getAttribute("data-comment");
    check(askedId && (await asked.getAttribute("data-parent")) === null, "bob's comment is top-level");
    await bob.context().close();

    const alice = await open("alice", draftId);
    const reply = alice.locator(`button[data-reply-to="${askedId}"]`);
    await reply.focus();
    await alice.keyboard.press("Enter");
    const box = alice.getByLabel("Your reply to bob");
    await box.waitFor();
    check(await box.evaluate((el) => el === document.activeElement), "the reply box takes the focus");
    await alice.keyboard.type("Support asked for sources in every answer.");
    await alice.keyboard.press("Tab");
    await alice.keyboard.press("Enter");
    await done(alice, "Reply posted");
    const answered = alice.locator(`[data-parent="${askedId}"]`);
    await answered.waitFor();
    check((await answered.textContent()).includes("Support asked for sources"), "the reply sits under bob's comment");
    check((await alice.locator(`[data-comment="${askedId}"] ul.replies [data-parent="${askedId}"]`).count()) === 1, "nested in his comment's replies");
    check(await alice.locator("#comments-title").evaluate((el) => el === document.activeElement), "focus returns to the thread");
    // A long chain of replies (through the API) stays readable: four levels nested, deeper ones flat
    // beside their parent saying whom they answer; the server stops at eight levels.
    let parent = await answered.getAttribute("data-comment"); // alice's reply: level 1
    const ids = {};
    for (let level = 2; level <= 8; level++) {
      const who = level % 2 === 0 ? "bob" : "alice";
      const r = await api("POST", `/api/v1/changes/${draftId}/comments`, await as(who), { comment: `Reply at level ${level}`, parentId: parent });
      check(r.status === 200, `a reply at level ${level} answers 200, got ${r.status} ${r.text}`);
      parent = ids[level] = r.json.comments[r.json.comments.length - 1].id;
    }
    const tooDeep = await api("POST", `/api/v1/changes/${draftId}/comments`, await as("bob"), { comment: "Level 9", parentId: parent });
    check(tooDeep.status === 400 && tooDeep.json.code === "reply_too_deep" && tooDeep.json.param === "parentId", `a ninth level is 400 reply_too_deep, got ${tooDeep.status} ${tooDeep.text}`);
    await alice.reload();
    await alice.locator("#comments-title").waitFor();
    const levels = (await alice.locator("[data-level]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-level")))));
    check(levels.length >= 9 && Math.max(...levels) === 4, `the thread nests at most four levels, got ${levels}`);
    const flat = alice.locator(`[data-comment="${ids[6]}"] > .comment [data-in-reply-to]`);
    check((await flat.textContent()).includes("in reply to alice"), "a deeper reply says whom it answers");
    check((await alice.locator(`[data-comment="${ids[6]}"]`).getAttribute("data-level")) === "4", "and stands at the fourth level");
    // the eighth level takes no reply (the server would refuse it), and says so
    check((await alice.locator(`button[data-reply-to="${ids[8]}"]`).count()) === 0, "no Reply on a comment eight levels deep");
    check((await alice.locator(`[data-comment="${ids[8]}"] > .comment [data-no-reply]`).textContent()).includes("Replies stop at 8 levels"), "it says replies stop there");
    check((await alice.locator(`button[data-reply-to="${ids[7]}"]`).count()) === 1, "the seventh level still takes a reply");
    await fitsAt800(alice, "change page with a long chain of replies");
    await axe(alice, "change page (thread with replies)");
    await docShot(alice, "change-thread");
    // an auditor reads the thread and cannot reply
    const dave = await open("dave", draftId);
    check((await dave.locator("button[data-reply-to]").count()) === 0, "an auditor is offered no reply");
    check((await dave.locator("button[data-action]").count()) === 0, "an auditor is offered no action");
  });

  // ---- Live moved: publish refused, rebase, request changes, withdraw ----
  await step("change page: live moved, so publish says rebase first; alice rebases; bob requests changes; alice withdraws", async () => {
    check(draftId, "the change of the first step exists");
    await act("bob", draftId, "approve");
    await publishThroughReview("alice", "carol", t1, "Someone else's version went live first.");
    const admin = await open("admin", draftId);
    check((await state(admin)) === "approved", "the change is approved");
    check((await reasonFor(admin, "publish")).includes("rebase it first"), "publish says live moved: rebase first");
    check((await admin.locator(".facts").textContent()).includes("required: live is now version"), "the facts say a rebase is required");
    // the server refuses another approval of a stale base (409 rebase_required), and the page says so
    check((await reasonFor(admin, "approve")).includes("must be rebased before it can be approved"), "approve says rebase first");
    // the left side of the diff is the base, no longer live
    check((await admin.getByTestId("base-not-live").textContent()).includes("no longer what is live"), "the diff says its left side is not live");
    check((await admin.locator(".sbs thead th").first().textContent()).startsWith("Base (version"), "the left column is the base version");
    await axe(admin, "change page (approved, live moved)");
    await docShot(admin, "change-rebase-required");
    await admin.context().close();

    const alice = await open("alice", draftId);
    check(await button(alice, "rebase").isEnabled(), "rebase is enabled for the author");
    await button(alice, "rebase").focus();
    await alice.keyboard.press("Enter"); // by keyboard
    await done(alice, "Rebased");
    check((await state(alice)) === "in_review", "a rebase restarts review");
    check((await alice.locator(".facts").textContent()).includes("Revision3"), "the rebase is revision 3");
    await alice.context().close();

    const bob = await open("bob", draftId);
    check(await button(bob, "approve").isEnabled(), "bob may approve the rebased revision again");
    check((await bob.locator(".sbs thead th").first().textContent()).startsWith("Live (version"), "after the rebase the left column is live again");
    await button(bob, "request-changes").click();
    check((await bob.getByTestId("action-messages").getByRole("alert").textContent()).includes("say why"), "request changes needs a comment");
    await bob.getByLabel("Comment", { exact: true }).fill("The rebase dropped the new wording; please look again.");
    await button(bob, "request-changes").click();
    await done(bob, "Sent back");
    check((await state(bob)) === "changes_requested", "the change waits for changes");
    await bob.context().close();

    const back = await open("alice", draftId);
    check(await button(back, "revise").isEnabled(), "a change sent back can be revised");
    await button(back, "withdraw").click();
    await done(back, "Withdrawn");
    check((await state(back)) === "withdrawn", "the change is withdrawn");
    check((await back.locator("button[data-action]").count()) === 0, "a withdrawn change offers nothing");
  });

  // ---- Reject and publish in the page ----
  await step("change page: carol rejects with a reason; admin publishes an approved change", async () => {
    const rejectId = await create("alice", `e2e-chg-rej-${sfx}`, "To be rejected.");
    await act("alice", rejectId, "submit");
    const carol = await open("carol", rejectId);
    await button(carol, "reject").click();
    check((await carol.getByTestId("action-messages").getByRole("alert").textContent()).includes("say why"), "reject needs a comment");
    await carol.getByLabel("Comment", { exact: true }).fill("Not what support needs.");
    await button(carol, "reject").click();
    await done(carol, "Rejected");
    check((await state(carol)) === "rejected", "the change is rejected");
    await carol.context().close();

    const pubId = await create("alice", `e2e-chg-pub-${sfx}`, "To be published.");
    await act("alice", pubId, "submit");
    const bob = await open("bob", pubId);
    await button(bob, "approve").click();
    await done(bob, "Approved");
    check((await reasonFor(bob, "publish")).includes("needs the admin role"), "publish tells a reviewer it needs the admin role");
    await bob.context().close();
    const admin = await open("admin", pubId);
    await button(admin, "publish").click();
    await done(admin, "Published");
    check((await state(admin)) === "published", "the change is published");
  });

  // ---- A policy draft: the test bench and the replay of recent traffic ----
  await step("change page: a policy draft runs on the test bench and over recent traffic; a reviewer is told why not", async () => {
    const target = `e2e-chg-pol-${sfx}`;
    const r = await api("POST", "/api/v1/changes", await as("alice"), {
      kind: "policy", target, comment: "a flag on floods of secrets",
      content: { rules: [{ id: "flag-secret-flood", condition: "entities.secret.count > 100", action: "flag", flag: "secret_flood", stage: "both" }] },
    });
    check(r.status === 201, `the policy change is created, got ${r.status} ${r.text}`);
    // some recorded traffic of the tenant to replay
    for (let i = 0; i < 3; i++) check((await chat("sandbox", `bench traffic ${i} ${sfx}`)).status === 200, "a sandbox request answers 200");
    const alice = await open("alice", r.json.id);
    check((await alice.locator("#bench-title").count()) === 1, "a policy change has the test bench");
    check((await alice.locator("section", { has: alice.locator("#bench-title") }).textContent()).includes("retains requests' content"),
      "the page says what the replay runs over: retained content, else the recorded summaries");
    await alice.getByLabel(/^Sample request/).fill("Hello, what is the weather?");
    await alice.getByLabel("Replay the last N recorded requests").fill("20");
    // by keyboard: Tab from the replay count to the button, Enter; the button keeps the focus while it runs
    await alice.getByLabel("Replay the last N recorded requests").focus();
    await alice.keyboard.press("Tab");
    const runBench = alice.getByRole("button", { name: "Run the draft" });
    check(await runBench.evaluate((el) => el === document.activeElement), "Tab reaches Run the draft");
    await alice.keyboard.press("Enter");
    await alice.getByTestId("replay-summary").waitFor();
    check(await runBench.evaluate((el) => el === document.activeElement), "the focus stays on Run the draft after the run");
    const sample = await alice.getByTestId("bench-sample").textContent();
    check(sample.includes("200: passes") && sample.includes("changes nothing"), `the sample passes both ways, got: ${sample}`);
    const summary = await alice.getByTestId("replay-summary").textContent();
    const looked = /^Of the last (\d+) recorded requests, (\d+) were evaluated: the draft changes the outcome of \d+\./.exec(summary);
    check(looked && Number(looked[1]) >= 3 && Number(looked[2]) >= 1, `the replay says what it looked at, got: ${summary}`);
    check(/\d+ were replayed over their retained content, \d+ over recorded summaries only\./.test(summary), `the replay counts content and summary rows, got: ${summary}`);
    const outcomes = await alice.locator("table.bench-outcomes tbody tr").count();
    check(outcomes >= 1, "the outcomes of the replayed requests are tabled");
    await axe(alice, "change page (policy draft, test bench)");
    await docShot(alice, "change-policy-bench");
    await alice.context().close();
    const bob = await open("bob", r.json.id);
    const run = bob.getByRole("button", { name: "Run the draft" });
    check(await run.isDisabled(), "the bench is disabled for a reviewer");
    check((await bob.locator("section", { has: bob.locator("#bench-title") }).textContent()).includes("needs the author or admin role"), "with the reason");
  });

  // ---- The test call through a draft ----
  await step("change page: test calls through a prompt draft and a policy draft (by keyboard); refused with reasons", async () => {
    const tp = `e2e-chg-tc-${sfx}`;
    // live and draft differ in the user message, which the sandbox quotes: the answer tells them apart
    await publishThroughReview("alice", "bob", tp, "Live version for {{product}}.", "Live asks: {{question}}");
    const promptDraft = await create("alice", tp, "Draft version for {{product}}.", "try it before review", "Draft asks: {{question}}");
    const alice = await open("alice", promptDraft);
    const panel = alice.getByTestId("testcall");
    await panel.getByLabel("{{product}} (required)").fill("Acme");
    await panel.getByLabel("{{question}} (required)").fill("What does the draft answer?");
    await panel.getByLabel("System message (optional)").fill("Answer in one line.");
    await panel.getByRole("button", { name: "Send the test call" }).click();
    await alice.getByTestId("testcall-text").waitFor();
    check((await alice.getByTestId("testcall-outcome").textContent()).includes("Answered (200)"), "the call is answered");
    // the sandbox quotes the last user message as the stages left it: the draft's rendered question
    const answered = await alice.getByTestId("testcall-text").textContent();
    check(answered.includes("Draft asks: What does the draft answer?") && !answered.includes("Live asks"), `the answer quotes the draft's rendered question, not live's, got ${answered}`);
    const where = await alice.getByTestId("testcall-where").textContent();
    check(where.includes("Route sandbox") && where.includes("provider sandbox"), `route and provider are shown, got ${where}`);
    check(/\d+ input \+ \d+ output tokens · cost/.test(await alice.getByTestId("testcall-usage").textContent()), "tokens and cost are shown");
    await axe(alice, "change page (prompt draft, test call answered)");
    await fitsAt800(alice, "change page with a test call's answer");
    await docShot(alice, "change-test-call");
    await alice.context().close();

    const policy = await api("POST", "/api/v1/changes", await as("alice"), {
      kind: "policy", target: `e2e-chg-tc-pol-${sfx}`, comment: "no IP addresses",
      content: { rules: [{ id: "no-ip", condition: "entities.ip.count > 0", action: "deny", code: "ip_not_allowed", message: "No IP addresses" }] },
    });
    check(policy.status === 201, `the policy change is created, got ${policy.status} ${policy.text}`);
    const bob = await open("bob", policy.json.id);
    const bobPanel = bob.getByTestId("testcall");
    check((await bobPanel.getByLabel("Route alias (or prompt:<name>@<label>)").inputValue()) === "sandbox", "the route defaults to sandbox");
    // by keyboard: type the message, Tab to the button, Enter
    await bobPanel.getByLabel("User message", { exact: true }).focus();
    await bob.keyboard.type("ping 10.0.0.1");
    await bob.keyboard.press("Tab");
    check(await bobPanel.getByRole("button", { name: "Send the test call" }).evaluate((el) => el === document.activeElement), "Tab reaches the send button");
    // live traffic at the same time does not meet the draft: sent while the test call runs
    const liveAtTheSameTime = ctx.chat("sandbox", "ping 10.0.0.1");
    await bob.keyboard.press("Enter");
    await bob.getByTestId("testcall-outcome").waitFor();
    const outcome = await bob.getByTestId("testcall-outcome").textContent();
    check(outcome.includes("Denied (403 ip_not_allowed)"), `the draft denies what live lets through, got ${outcome}`);
    await axe(bob, "change page (policy draft, test call denied)");
    await bob.context().close();
    const live = await liveAtTheSameTime;
    check(live.status === 200, `live traffic passes, got ${live.status}`);

    const dave = await open("dave", policy.json.id);
    check(await dave.getByTestId("testcall").getByRole("button", { name: "Send the test call" }).isDisabled(), "an auditor may not send a test call");
    check((await dave.getByTestId("testcall-reasons").textContent()).includes("needs the author, reviewer or admin role"), "with the reason");
    await dave.context().close();
    const published = await open("alice", await publishThroughReview("alice", "bob", `e2e-chg-tc2-${sfx}`, "Published."));
    check((await published.getByTestId("testcall-reasons").textContent()).includes("is published"), "a published change says why not");
    await published.context().close();
  });

  // ---- Break-glass rollback and the review after the fact ----
  await step("change page: admin rolls back; neither he nor the re-applied content's author may sign it off; bob does", async () => {
    const dual = `e2e-dual-${sfx}`;
    const dualPassword = `pw-${sfx}-${Math.random().toString(36).slice(2)}`;
    const u = await api("POST", "/api/v1/users", await as("admin"), { username: dual, password: dualPassword, roles: ["author", "reviewer"] });
    check(u.status === 201, `a user with both author and reviewer roles is created, got ${u.status} ${u.text}`);
    const login = await api("POST", "/api/v1/auth/login", null, { username: dual, password: dualPassword });
    check(login.status === 200, `${dual} signs in through the API`);
    tokens[dual] = login.json.access_token;
    const t3 = `e2e-chg-rb-${sfx}`;
    const v1 = await publishThroughReview(dual, "bob", t3, "Version one.");
    await publishThroughReview("alice", "carol", t3, "Version two, which broke triage.");

    const bob = await open("bob", v1);
    check((await state(bob)) === "superseded", "the first version is superseded");
    check((await reasonFor(bob, "rollback")).includes("needs the admin role"), "rollback tells a reviewer it needs the admin role");
    await bob.context().close();

    const admin = await open("admin", v1);
    await button(admin, "rollback").click();
    check((await admin.getByTestId("action-messages").getByRole("alert").textContent()).includes("say why"), "a rollback needs a comment");
    await admin.getByLabel("Comment", { exact: true }).fill("Incident: version two breaks triage");
    await button(admin, "rollback").click();
    await done(admin, "Rolled back");
    await admin.waitForURL((url) => !url.pathname.endsWith(v1));
    const rollbackId = admin.url().split("/").pop();
    check((await state(admin)) === "published", "the rollback is live");
    const facts = await admin.locator(".facts").textContent();
    check(facts.includes("pending") && facts.includes(dual), `the facts show the pending review and who wrote the re-applied content, got ${facts}`);
    check((await reasonFor(admin, "post-hoc-review")).includes("You performed this rollback"), "the admin may not sign off his own rollback");
    await axe(admin, "change page (rollback awaiting review after the fact)");
    await docShot(admin, "change-rollback");
    await admin.context().close();

    const page = await newPage("dual-change");
    await page.goto(`${base}/console/`);
    await page.getByLabel("Username").fill(dual);
    await page.getByLabel("Password").fill(dualPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("who").waitFor();
    await page.goto(`${base}/console/changes/${rollbackId}`);
    await page.locator(".toolbar [data-state]").waitFor();
    check((await reasonFor(page, "post-hoc-review")).includes("You authored the change this rollback re-applied"),
      "the author of the re-applied content may not sign it off");
    await shot(page, "change-rollback-content-author");
    await page.context().close();

    const reviewer = await open("bob", rollbackId);
    await reviewer.getByLabel("Comment", { exact: true }).fill("Checked the incident; the rollback was right.");
    await button(reviewer, "post-hoc-review").click();
    await done(reviewer, "Signed off");
    check((await reviewer.locator(".facts").textContent()).includes("done"), "the review after the fact is done");
    check((await reviewer.locator("button[data-action]").count()) === 0, "nothing is left to do on it");
  });
}
