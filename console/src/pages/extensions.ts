// HR's queue of extension requests (candidates who asked for more time after the one
// automatic approval), newest first, with approve (optional hours) and deny (optional note).
import { ApiError, get, post } from "../api";
import { t } from "../i18n";
import { field, h, message, when } from "../ui";
import type { Page } from "../main";

const STATUSES = ["pending", "approved", "denied"];

export const extensionsPage: Page = async (main, me, _params, query) => {
  const hr = me.role === "admin" || me.role === "recruiter";
  const status = h("select", { id: "ext-status" },
    ...STATUSES.map((s) => h("option", { value: s }, t(s as "pending"))));
  status.value = query.get("status") ?? "pending";
  const campaign = query.get("campaign_id");
  const list = h("div", { id: "extension-list" });
  const more = h("button", { type: "button", hidden: true }, t("loadMore"));
  let cursor: string | null = null;
  const rows: HTMLElement[] = [];

  function actions(r: any, row: HTMLElement): HTMLElement | string {
    if (!hr || r.status !== "pending") {
      return r.status === "approved" ? `→ ${when(r.new_deadline_at)}` : (r.note ?? "");
    }
    const out = h("span", { class: "ext-out", "aria-live": "polite" });
    const hours = h("input", { type: "number", min: 1, max: 720, value: 48, class: "ext-hours",
                               "aria-label": `${t("extendHours")}: ${r.candidate?.name ?? r.id}` });
    const note = h("input", { type: "text", maxlength: 500, class: "ext-note",
                              "aria-label": `${t("note")}: ${r.candidate?.name ?? r.id}` });
    async function decide(verb: "approve" | "deny"): Promise<void> {
      try {
        const body = verb === "approve" ? { hours: Number(hours.value) }
          : (note.value.trim() ? { note: note.value.trim() } : {});
        const done = await post(`/extension-requests/${r.id}/${verb}`, body);
        out.replaceChildren(message("ok", done.status === "approved"
          ? `${t("approved")} → ${when(done.new_deadline_at)}` : t("denied")));
        row.dataset.status = done.status;
        for (const b of Array.from(row.querySelectorAll("button"))) b.disabled = true;
      } catch (err) {
        out.replaceChildren(message("error", err instanceof ApiError
          ? `${err.code}: ${err.message}` : String(err)));
      }
    }
    return h("span", { class: "ext-actions" }, hours,
      h("button", { type: "button", class: "ext-approve", onclick: () => { void decide("approve"); } },
        t("approve")),
      note,
      h("button", { type: "button", class: "ext-deny", onclick: () => { void decide("deny"); } },
        t("deny")), out);
  }

  async function load(reset: boolean): Promise<void> {
    if (reset) { cursor = null; rows.length = 0; }
    const page = await get("/extension-requests", { status: status.value, campaign_id: campaign,
                                                    limit: 50, cursor });
    for (const r of page.items) {
      const row = h("tr", { "data-request": r.id, "data-status": r.status });
      rows.push(row);
      const cells = [
        h("a", { href: `#/candidates/${r.candidate_id}` }, r.candidate?.name ?? r.candidate_id),
        h("a", { href: `#/campaigns/${r.campaign_id}` }, r.campaign_name ?? r.campaign_id),
        when(r.requested_at), r.invitation_status ?? "", when(r.deadline_at), actions(r, row)];
      row.append(...cells.map((c) => h("td", {}, c)));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    list.replaceChildren(rows.length ? h("table", {}, h("caption", {}, t("extensionRequests")),
      h("thead", {}, h("tr", {}, ...[t("candidate"), t("campaign"), t("requested"), t("status"),
                                     t("deadline"), t("decide")].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, ...rows)) : h("p", { id: "extension-empty" }, t("none")));
  }
  more.addEventListener("click", () => { void load(false); });
  const form = h("form", { class: "filters", onsubmit: (e: Event) => {
    e.preventDefault(); void load(true);
  } }, field(t("status"), status), h("button", { type: "submit" }, t("filter")));
  main.append(h("h1", {}, t("extensionRequests")),
              campaign ? h("p", {}, h("a", { href: `#/campaigns/${campaign}` }, `← ${t("dashboard")}`)) : "",
              form, list, more);
  await load(true);
};
