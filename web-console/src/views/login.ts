import { h, render } from "../dom.js";
import { showError } from "../messages.js";
import { markSsoStarted, ssoErrorText } from "../session.js";
import type { AppContext } from "../context.js";

export function loginView(ctx: AppContext, main: HTMLElement, then: string): void {
  const errors = h("div", { class: "messages", "aria-live": "assertive" });
  const user = h("input", { id: "login-username", name: "username", autocomplete: "username", required: true });
  const pass = h("input", { id: "login-password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const button = h("button", { type: "submit", class: "primary" }, "Sign in");
  // "Sign in with <provider>" appears when the server says single sign-on is configured.
  const sso = h("div", { class: "sso", "data-testid": "sso" });
  const form = h(
    "form",
    { class: "card login", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title", tabindex: "-1" }, "Sign in to the review console"),
    h("p", { class: "muted" }, "Use your Gatehouse account. Roles decide what you can do here: authors submit, reviewers sign off, admins publish, auditors read the trail."),
    errors,
    sso,
    h("div", { class: "field" }, h("label", { for: "login-username" }, "Username"), user),
    h("div", { class: "field" }, h("label", { for: "login-password" }, "Password"), pass),
    button,
  );
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    button.textContent = "Signing in…";
    try {
      const answer = await ctx.api.login(user.value.trim(), pass.value);
      ctx.beginSession(answer);
      ctx.session.me = await ctx.api.me();
      ctx.refreshChrome();
      ctx.navigate(then);
    } catch (e) {
      showError(errors, e);
      pass.value = "";
      pass.focus();
    } finally {
      button.disabled = false;
      button.textContent = "Sign in";
    }
  });
  render(main, form);
  const ssoError = new URLSearchParams(location.search).get("sso_error");
  if (ssoError) showError(errors, new Error(ssoErrorText(ssoError)));
  user.focus();
  void ctx.api.signInMethods().then(
    (methods) => {
      if (!methods.oidc || !sso.isConnected) return;
      const returnTo = then.startsWith("/console/") && !then.startsWith("/console/login") ? then : "/console/";
      const href = `${methods.oidc.start}?return_to=${encodeURIComponent(returnTo)}`;
      render(
        sso,
        h("a", { class: "button primary", href, "data-testid": "sso-start", on: { click: () => markSsoStarted(tabStorage()) } }, `Sign in with ${methods.oidc.name}`),
        h("p", { class: "muted or" }, "or with your Gatehouse password:"),
      );
    },
    () => {
      // Without the list the password form still works; nothing to show.
    },
  );
}

function tabStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
