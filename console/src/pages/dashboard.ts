// A campaign's dashboard: the funnel (invited → sent → opened → started → completed), the
// outcomes (no-show, completed late, closed), completion over time (per day), reminders and the
// completions recovered by each round, no-show reasons; rename, interviewers (daily digest)
// and close early.
import { ApiError, call, get } from "../api";
import { t } from "../i18n";
import { barChart, funnelChart, lineChart } from "../charts";
import { field, h, message, pct, table, when } from "../ui";
import type { Page } from "../main";

const STAGES = ["invited", "sent", "opened", "started", "completed"];
const OUTCOMES = ["no_show", "completed_late", "closed", "cancelled"];
/** The per-day lines: completions (on time and late) and no-shows, by the day they happened. */
const DAILY = ["completed", "completed_late", "no_show"];

function stat(name: string, label: string, value: number | string): HTMLElement {
  return h("div", { class: "stat", "data-stat": name },
           h("dt", {}, label), h("dd", { "data-value": String(value) }, String(value)));
}

export const dashboardPage: Page = async (main, me, [id]) => {
  const campaign = await get(`/campaigns/${id}`);
  // reasons over the campaign's life: from its first day, a year on (the API's widest range)
  const first = new Date(campaign.created_at);
  const last = new Date(first.getTime() + 365 * 86_400_000);
  const [funnel, reasons] = await Promise.all([
    get(`/reports/campaigns/${id}/funnel`).catch(() => null),
    get("/reports/no-show-reasons", { campaign_id: id, from: first.toISOString().slice(0, 10),
                                      to: last.toISOString().slice(0, 10) }).catch(() => null),
  ]);
  const reached: Record<string, number> = funnel?.counts ?? {};
  const live: Record<string, number> = campaign.counts;
  const policy = campaign.reminder_policy ?? {};
  const hr = me.role === "admin" || me.role === "recruiter";

  const funnelEl = h("div", { class: "chart", id: "funnel-chart" });
  const outcomeEl = h("div", { class: "chart", id: "outcome-chart" });
  const reasonEl = h("div", { class: "chart", id: "reason-chart" });
  const dailyEl = h("div", { class: "chart", id: "daily-chart" });
  const roundEl = h("div", { class: "chart", id: "round-chart" });
  const byDay: { day: string; counts: Record<string, number> }[] = funnel?.by_day ?? [];
  const byRound: { round: number; recovered: number }[] = funnel?.recovered_by_round ?? [];
  // the policy's rounds, and any later one that recovered someone (a policy edited since)
  const lastRound = Math.max((policy.rounds ?? []).length,
                             ...byRound.filter((r) => r.recovered > 0).map((r) => r.round), 1);
  const rounds = byRound.filter((r) => r.round <= lastRound);
  const inferred: Record<string, number> = reasons?.inferred ?? {};
  const given: Record<string, number> = reasons?.given ?? {};

  const out = h("div", { "aria-live": "polite" });
  const rename = h("input", { id: "rename", value: campaign.name, maxlength: 200 });
  const interviewers = h("input", { id: "interviewers", type: "text",
                                    value: (campaign.interviewer_emails ?? []).join(", ") });
  const actions = hr ? h("section", { class: "card", "aria-labelledby": "actions-h" },
    h("h2", { id: "actions-h" }, t("settings")),
    h("form", { class: "inline-form", onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        await call("PATCH", `/campaigns/${id}`, { body: { name: rename.value.trim() } });
        out.replaceChildren(message("ok", t("saved")));
      } catch (err) {
        out.replaceChildren(message("error", (err as ApiError).message));
      }
    } }, field(t("rename"), rename), h("button", { type: "submit" }, t("save"))),
    h("form", { class: "inline-form", onsubmit: async (e: Event) => {
      e.preventDefault();
      const list = interviewers.value.split(/[,，;\s]+/).map((a) => a.trim()).filter(Boolean);
      try {
        const saved = await call("PATCH", `/campaigns/${id}`, { body: { interviewer_emails: list } });
        interviewers.value = (saved.interviewer_emails ?? []).join(", ");
        out.replaceChildren(message("ok", t("saved")));
      } catch (err) {
        out.replaceChildren(message("error", (err as ApiError).message));
      }
    } }, field(t("interviewerEmails"), interviewers), h("button", { type: "submit" }, t("save"))),
    campaign.status === "open" ? h("button", { type: "button", id: "close-early", onclick: async () => {
      if (!window.confirm(t("confirmClose"))) return;
      await call("PATCH", `/campaigns/${id}`, { body: { closed: true } });
      location.reload();
    } }, t("closeEarly")) : null, out) : null;

  main.append(
    h("h1", {}, campaign.name),
    h("p", { class: "meta" },
      `${campaign.status === "closed" ? t("closed") : t("open")} · ${t("created")} ${when(campaign.created_at)}`
      + (campaign.window_hours ? ` · ${t("windowHours")}: ${campaign.window_hours}` : "")
      + (campaign.deadline_at ? ` · ${t("deadline")}: ${when(campaign.deadline_at)}` : "")
      + (campaign.audience_windows && Object.keys(campaign.audience_windows).length
        ? ` · ${t("audienceWindows")}: ` + Object.entries(campaign.audience_windows)
          .map(([k, v]) => `${k} ${v} h`).join(", ") : "")),
    h("nav", { class: "subnav", "aria-label": campaign.name },
      hr && campaign.status === "open" ? h("a", { href: `#/campaigns/${id}/invite`, class: "button" }, t("invite")) : null,
      h("a", { href: `#/campaigns/${id}/invitations?status=no_show`, class: "button" }, t("noShows")),
      h("a", { href: `#/campaigns/${id}/invitations`, class: "button" }, t("invitations")),
      h("a", { href: `#/extension-requests?campaign_id=${id}`, class: "button" },
        t("extensionRequests"))),
    h("section", { "aria-labelledby": "funnel-h" }, h("h2", { id: "funnel-h" }, t("funnel")),
      h("dl", { class: "stats", id: "funnel-stats" },
        ...STAGES.map((s) => stat(s, s, reached[s] ?? 0)),
        ...OUTCOMES.map((s) => stat(s, s, reached[s] ?? 0))),
      h("div", { class: "charts" }, funnelEl, outcomeEl)),
    h("section", { "aria-labelledby": "daily-h" },
      h("h2", { id: "daily-h" }, t("completionOverTime")), h("p", {}, t("perDayHint")),
      dailyEl,
      h("div", { id: "daily-table" },
        table([t("day"), ...DAILY], byDay.map((d) => [d.day, ...DAILY.map((k) => d.counts[k] ?? 0)]),
              t("completionOverTime")))),
    h("section", { "aria-labelledby": "rem-h" }, h("h2", { id: "rem-h" }, t("reminders")),
      h("dl", { class: "stats", id: "reminder-stats" },
        stat("reminded", t("reminded"), reached.reminded ?? 0),
        stat("recovered", t("recovered"), reached.recovered ?? 0),
        stat("reminder_recovery", t("recovery"), pct(funnel?.rates?.reminder_recovery)),
        stat("completion", t("completion"), pct(funnel?.rates?.completion)),
        stat("no_show_rate", t("noShowRate"), pct(funnel?.rates?.no_show))),
      h("p", {}, `${t("policy")}: ` + (policy.rounds ?? []).map((r: any) =>
        `${r.offset_hours >= 0 ? "+" : ""}${r.offset_hours} h ${r.channels.join("+")} ${r.template ?? ""}`)
        .join(" · ") + ` · ${t("grace")} ${policy.grace_hours ?? campaign.grace_hours}`
        + ` · ${t("quietHours")} ${policy.quiet_hours ? `${policy.quiet_hours.start}-${policy.quiet_hours.end}` : "off"}`),
      h("h3", { id: "round-h" }, t("recoveredByRound")),
      h("dl", { class: "stats", id: "round-stats", "aria-labelledby": "round-h" },
        ...rounds.map((r) => stat(`round_${r.round}`, t("roundN", { n: r.round }), r.recovered))),
      roundEl),
    h("section", { "aria-labelledby": "reasons-h" }, h("h2", { id: "reasons-h" }, t("reasons")),
      h("dl", { class: "stats", id: "reason-stats" },
        ...Object.entries(inferred).map(([k, v]) => stat(k, `${t("inferred")}: ${k}`, v)),
        ...Object.entries(given).map(([k, v]) => stat(k, `${t("given")}: ${k}`, v))),
      reasonEl),
    h("section", { "aria-labelledby": "live-h" }, h("h2", { id: "live-h" }, t("liveCounts")),
      h("dl", { class: "stats", id: "live-stats" },
        ...Object.entries(live).map(([k, v]) => stat(k, k, v)))),
    actions ?? "");
  // charts draw once their containers are in the document (ECharts measures them)
  queueMicrotask(() => {
    funnelChart(funnelEl, t("funnel"), STAGES.map((s) => ({ name: s, value: reached[s] ?? 0 })));
    barChart(outcomeEl, t("counts"), OUTCOMES.map((s) => ({ name: s, value: reached[s] ?? 0 })));
    lineChart(dailyEl, t("completionOverTime"), byDay.map((d) => d.day),
              DAILY.map((k) => ({ name: k, values: byDay.map((d) => d.counts[k] ?? 0) })));
    barChart(roundEl, t("recoveredByRound"),
             rounds.map((r) => ({ name: t("roundN", { n: r.round }), value: r.recovered })));
    barChart(reasonEl, t("reasons"), [
      ...Object.entries(inferred).map(([k, v]) => ({ name: k, value: v })),
      ...Object.entries(given).map(([k, v]) => ({ name: `${t("given")}: ${k}`, value: v }))]);
  });
};
