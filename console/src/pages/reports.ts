// Reports: rates by position × channel (or another pair) over a date range, with names; the
// periodic completion- and response-rate report (a scheduled export mailed to campaign owners);
// the no-show call list (names and contacts), every download audited by the API.
import { ApiError, call, download, get } from "../api";
import { t } from "../i18n";
import { barChart } from "../charts";
import { field, h, message, pct, table, when } from "../ui";
import type { Page } from "../main";

const GROUPS = ["position,channel", "position", "channel", "campaign", "campaign,channel"];
const REPORT = "completion-rates";

function failure(err: unknown): HTMLElement {
  return message("error", err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
}

function day(offset: number): string {
  return new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
}

function ratesSection(): { el: HTMLElement; load(): Promise<void> } {
  const from = h("input", { id: "rates-from", type: "date", value: day(-29) });
  const to = h("input", { id: "rates-to", type: "date", value: day(1) });
  const groupBy = h("select", { id: "rates-group" },
    ...GROUPS.map((g) => h("option", { value: g }, g.split(",").map((d) => t(d as "position"))
                                                    .join(" × "))));
  const chart = h("div", { class: "chart", id: "rates-chart" });
  const out = h("div", { id: "rates-table", "aria-live": "polite" });
  async function load(): Promise<void> {
    try {
      const report = await get("/reports/rates", { from: from.value, to: to.value,
                                                   group_by: groupBy.value });
      const label = (g: any) => [g.position_name ?? g.position_id, g.campaign_name, g.channel]
        .filter((x) => x).join(" · ");
      out.replaceChildren(
        report.groups.length ? table(
          [t("position"), t("campaign"), t("channel"), t("invitedCount"), t("completedCount"),
           t("completion"), t("responseRate"), t("noShowRate"), t("recovery")],
          report.groups.map((g: any) => [g.position_name ?? g.position_id ?? "—",
            g.campaign_name ?? g.campaign_id ?? "—", g.channel ?? "—", g.counts.invited,
            g.counts.completed + g.counts.completed_late, pct(g.rates.completion),
            pct(g.rates.response), pct(g.rates.no_show), pct(g.rates.reminder_recovery)]),
          `${t("ratesBy")} ${report.from} – ${report.to}`) : message("info", t("none")));
      chart.replaceChildren();
      chart.removeAttribute("_echarts_instance_");
      barChart(chart, t("completion"), report.groups.map((g: any) => ({
        name: label(g), value: Math.round(1000 * (g.rates.completion ?? 0)) / 10 })));
    } catch (err) { out.replaceChildren(failure(err)); }
  }
  const el = h("section", { "aria-labelledby": "rates-h" },
    h("h2", { id: "rates-h" }, t("ratesBy")),
    h("form", { class: "filters", onsubmit: (e: Event) => { e.preventDefault(); void load(); } },
      field(t("from"), from), field(t("to"), to), field(t("groupBy"), groupBy),
      h("button", { type: "submit" }, t("refresh"))),
    chart, out);
  return { el, load };
}

async function scheduleSection(admin: boolean, exportId: string | null): Promise<HTMLElement> {
  const schedule = await get("/reports/export-schedule");
  const box = (id: string, on: boolean) => h("input", { id, type: "checkbox", checked: on,
                                                        disabled: !admin });
  const daily = box("sched-daily", schedule.daily.includes(REPORT));
  const weekly = box("sched-weekly", schedule.weekly.includes(REPORT));
  const out = h("div", { id: "schedule-status", "aria-live": "polite" });
  const pick = (list: string[], on: boolean) =>
    [...list.filter((r) => r !== REPORT), ...(on ? [REPORT] : [])];
  const save = admin ? h("button", { type: "submit" }, t("save")) : null;
  const ready = exportId ? await get(`/reports/exports/${exportId}`).catch(() => null) : null;
  return h("section", { class: "card", "aria-labelledby": "sched-h" },
    h("h2", { id: "sched-h" }, t("periodicReport")),
    h("p", {}, t("periodicHint")),
    ready ? h("p", { id: "ready-export" }, `${ready.export_id} · ${ready.status} · `,
      ready.download_url ? h("a", { href: ready.download_url }, t("download")) : "") : null,
    h("form", { onsubmit: async (e: Event) => {
      e.preventDefault();
      try {
        await call("PUT", "/reports/export-schedule", { body: {
          daily: pick(schedule.daily, daily.checked), weekly: pick(schedule.weekly, weekly.checked),
          format: schedule.format } });
        out.replaceChildren(message("ok", t("saved")));
      } catch (err) { out.replaceChildren(failure(err)); }
    } },
      h("div", { class: "field inline" }, daily, h("label", { for: "sched-daily" }, t("daily"))),
      h("div", { class: "field inline" }, weekly, h("label", { for: "sched-weekly" }, t("weekly"))),
      save, out),
    h("p", { class: "meta" }, `${t("updated")}: ${when(schedule.updated_at)}`));
}

async function callListSection(): Promise<HTMLElement> {
  const campaigns = await get("/campaigns", { limit: 100 }).catch(() => ({ items: [] }));
  const campaign = h("select", { id: "call-campaign" },
    ...campaigns.items.map((c: any) => h("option", { value: c.id }, c.name)));
  const out = h("div", { id: "call-list", "aria-live": "polite" });
  const show = h("button", { type: "button", id: "call-list-show", onclick: async () => {
    try {
      const list = await get(`/reports/campaigns/${campaign.value}/no-show-call-list`);
      out.replaceChildren(
        h("p", { class: "meta" }, `${t("auditedPull")} ${list.pull_id} · ${when(list.pulled_at)}`
          + ` · ${t("optedOutLeftOut")}: ${list.excluded.opted_out}`),
        list.items.length ? table([t("name"), t("email"), t("phone"), t("status"), t("reason"),
                                   t("timezone")],
          list.items.map((r: any) => [r.name, r.email ?? "", r.phone ?? "", r.status,
                                      r.given_reason ?? r.inferred_reason ?? "", r.timezone ?? ""]),
          t("callList")) : message("info", t("none")));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, t("showList"));
  const csv = h("button", { type: "button", id: "call-list-csv", onclick: async () => {
    try {
      await download(`/reports/campaigns/${campaign.value}/no-show-call-list`,
                     { format: "csv" }, `no-shows-${campaign.value}.csv`);
      out.replaceChildren(message("ok", t("downloadedAudited")));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, t("downloadCsv"));
  return h("section", { class: "card", "aria-labelledby": "call-h" },
    h("h2", { id: "call-h" }, t("callList")),
    h("p", { class: "msg info", id: "audit-note", role: "note" }, t("auditNote")),
    h("div", { class: "filters" }, field(t("campaign"), campaign), show, csv), out);
}

export const reportsPage: Page = async (main, me, _params, query) => {
  const rates = ratesSection();
  main.append(h("h1", {}, t("reportsTitle")), rates.el);
  if (me.role !== "interviewer") {
    main.append(await scheduleSection(me.role === "admin", query.get("export")));
  }
  if (me.role !== "finance") main.append(await callListSection());
  await rates.load();
};
