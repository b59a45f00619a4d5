// A campaign's invitations (the no-show group with ?status=no_show, with its decision panel
// for HR), searched by name, email or phone, and one invitation with its timeline.
import { get } from "../api";
import { t } from "../i18n";
import { field, h, table, when } from "../ui";
import type { Page } from "../main";
import { decisionPanel } from "./decisions";

const STATUSES = ["", "invited", "sent", "opened", "started", "completed", "no_show",
                  "completed_late", "closed", "cancelled"];

export const invitationsPage: Page = async (main, me, [id], query) => {
  const campaign = await get(`/campaigns/${id}`);
  const status = h("select", { id: "inv-status" },
    ...STATUSES.map((s) => h("option", { value: s }, s || t("all"))));
  status.value = query.get("status") ?? "";
  const search = h("input", { id: "inv-q", type: "search", value: query.get("q") ?? "" });
  const list = h("div", { id: "invitation-list" });
  const count = h("p", { id: "inv-count", role: "status" });
  const more = h("button", { type: "button", hidden: true }, t("loadMore"));
  let cursor: string | null = null;
  const rows: HTMLElement[] = [];
  const hr = me.role === "admin" || me.role === "recruiter";
  const deciding = hr && (query.get("status") ?? "") === "no_show";
  const names = new Map<string, string>();

  async function load(reset: boolean): Promise<void> {
    if (reset) { cursor = null; rows.length = 0; }
    const page = await get(`/campaigns/${id}/invitations`, { status: status.value, q: search.value,
                                                             limit: 100, cursor });
    for (const i of page.items) {
      const name = i.candidate?.name ?? i.candidate_id;
      names.set(i.id, name);
      rows.push(h("tr", { "data-invitation": i.id },
        deciding ? h("td", {}, h("input", { type: "checkbox", class: "pick", value: i.id,
                                            "aria-label": `${t("select")}: ${name}` })) : null,
        h("td", {}, h("a", { href: `#/invitations/${i.id}` }, name)),
        h("td", {}, i.candidate?.email ?? ""), h("td", {}, i.candidate?.phone ?? ""),
        h("td", {}, i.late_result ? `${i.status} · ${t(i.late_result)}` : i.status),
        h("td", {}, when(i.deadline_at)),
        h("td", {}, i.score ?? "")));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    count.textContent = `${rows.length}${cursor ? "+" : ""}`;
    list.replaceChildren(rows.length ? h("table", {},
      h("caption", {}, status.value === "no_show" ? t("noShows") : t("invitations")),
      h("thead", {}, h("tr", {}, ...[...(deciding ? [t("select")] : []), t("candidate"),
                                     t("email"), t("phone"), t("status"), t("deadline"),
                                     t("score")].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, ...rows)) : h("p", {}, t("none")));
  }
  more.addEventListener("click", () => { void load(false); });
  const form = h("form", { class: "filters", role: "search", onsubmit: (e: Event) => {
    e.preventDefault(); void load(true);
  } }, field(t("status"), status), field(t("search"), search),
     h("button", { type: "submit" }, t("filter")));
  main.append(h("h1", {}, `${status.value === "no_show" ? t("noShows") : t("invitations")} · ${campaign.name}`),
              h("p", {}, h("a", { href: `#/campaigns/${id}` }, `← ${t("dashboard")}`)),
              form, count, list, more);
  await load(true);
  if (deciding && status.value === "no_show") {
    const picked = () => Array.from(list.querySelectorAll<HTMLInputElement>("input.pick:checked"))
      .map((box) => box.value);
    // above the list: a large group is long, the decision is what HR came for
    form.after(await decisionPanel(id, campaign.counts?.no_show ?? rows.length, picked,
                                   (inv) => names.get(inv) ?? inv));
  }
};

export const invitationPage: Page = async (main, _me, [id]) => {
  const inv = await get(`/invitations/${id}`);
  main.append(
    h("h1", {}, inv.candidate?.name ?? inv.candidate_id),
    h("p", { class: "subnav" },
      h("a", { href: `#/campaigns/${inv.campaign_id}` }, `← ${inv.campaign_name ?? inv.campaign_id}`),
      h("a", { href: `#/candidates/${inv.candidate_id}`, id: "candidate-timeline-link" },
        t("candidateTimeline"))),
    h("dl", { class: "stats", id: "invitation-facts" },
      ...([[t("status"), inv.status], [t("email"), inv.candidate?.email ?? "—"],
           [t("phone"), inv.candidate?.phone ?? "—"], [t("deadline"), when(inv.deadline_at)],
           [t("score"), inv.score ?? "—"], [t("reason"), inv.reason ?? "—"],
           [t("lateResult"), inv.late_result ? t(inv.late_result) : "—"],
           [t("vendorSignal"), !inv.vendor_signal ? "—"
             : t(inv.vendor_signal === "expired" ? "vendor_expired" : "vendor_abandoned")],
           [t("reminders"), String(inv.rounds_done)]] as [string, string][])
        .map(([k, v]) => h("div", { class: "stat" }, h("dt", {}, k), h("dd", {}, String(v))))),
    h("section", { "aria-labelledby": "tl-h" }, h("h2", { id: "tl-h" }, t("timeline")),
      h("ol", { class: "timeline", id: "timeline" }, ...inv.timeline.map((e: any) =>
        h("li", { "data-type": e.type }, h("time", { datetime: e.at }, when(e.at)), " ",
          h("strong", {}, e.type), ` · ${e.source}`,
          e.channel ? ` · ${e.channel}` : "", e.template ? ` · ${e.template}` : "",
          e.applied ? ` → ${e.applied}` : "")))),
    h("section", { "aria-labelledby": "msg-h" }, h("h2", { id: "msg-h" }, t("messages")),
      table([t("template"), t("channel"), t("status"), t("sent")],
            inv.messages.map((m: any) => [m.template, m.channel, m.status, when(m.sent_at)]))));
};
