// Shows errors and confirmations: errors as role=alert (read out at once), confirmations as status.
import { ApiError } from "./api.js";
import { describeProblem } from "./problem.js";
import { h, render } from "./dom.js";

export function errorText(e: unknown): string {
  if (e instanceof ApiError) return describeProblem(e.problem);
  if (e instanceof Error) return e.message;
  return String(e);
}

export function showError(area: Element, e: unknown): void {
  const rid = e instanceof ApiError && e.problem.requestId ? e.problem.requestId : null;
  render(
    area,
    h("div", { class: "message error", role: "alert", "data-testid": "error" },
      h("strong", null, "Error. "),
      h("span", { class: "detail" }, errorText(e)),
      rid ? h("span", { class: "request-id" }, ` (request ${rid})`) : null,
    ),
  );
}

export function showInfo(area: Element, text: string): void {
  render(area, h("div", { class: "message info", role: "status", "data-testid": "info" }, text));
}
