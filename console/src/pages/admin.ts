// Talent-pool segments, exports (request, progress, download), billing for finance and the
// tenant's settings.
import { ApiError, call, get, post } from "../api";
import { t, type TextKey } from "../i18n";
import { field, h, message, progress, table, when } from "../ui";
import type { Page } from "../main";

function failure(err: unknown): HTMLElement {
  return message("error", err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
}

/** A pool candidate's cooperation score explained: each component with its points, its
 *  limit and the (decayed) events behind it. */
async function explanation(c: any): Promise<HTMLElement> {
  const profile = await get(`/talent-pool/candidates/${c.candidate_id}`);
  const score = profile.score;
  const name = c.name ?? c.candidate_id;
  return h("section", { class: "card", "aria-labelledby": "score-h", "data-candidate": c.candidate_id },
    h("h2", { id: "score-h" }, `${t("scoreExplained")}: ${name}`),
    h("p", { id: "score-value" }, `${t("scoreValue")}: ${score.value} / 100 · `
      + t("halfLife", { n: score.half_life_days })
      + (profile.last_activity_at ? ` · ${t("lastActivity")}: ${when(profile.last_activity_at)}` : "")),
    table([t("scorePart"), t("points"), t("limit"), t("weightedEvents")],
          score.parts.map((p: any) => [t(`sp_${p.name}` as TextKey),
                                       `${p.points > 0 && p.name !== "base" ? "+" : ""}${p.points}`,
                                       p.limit, p.name === "base" ? "—" : p.events]),
          t("scoreExplained")),
    h("p", {}, h("a", { href: `#/candidates/${c.candidate_id}` }, t("candidateTimeline"))));
}

export const poolPage: Page = async (main, me) => {
  const all = h("input", { id: "seg-all", value: "no_show" });
  const any = h("input", { id: "seg-any" });
  const none = h("input", { id: "seg-none" });
  const minScore = h("input", { id: "seg-min", type: "number", min: 0, max: 100 });
  const activeSince = h("input", { id: "seg-active", type: "date" });
  const campaign = h("input", { id: "seg-campaign" });
  const result = h("div", { id: "segment-result", "aria-live": "polite" });
  const explained = h("div", { id: "score-explanation", "aria-live": "polite" });
  const explains = me.role === "admin" || me.role === "recruiter";  // the profile API's roles
  const form = h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    explained.replaceChildren();
    try {
      const page = await get("/talent-pool/candidates", { all: all.value, any: any.value,
        none: none.value, min_score: minScore.value, campaign_id: campaign.value,
        active_since: activeSince.value ? `${activeSince.value}T00:00:00Z` : "",
        count: true, limit: 50 });
      result.replaceChildren(h("p", { id: "segment-count" }, `${t("total")}: ${page.count ?? page.items.length}`),
        table([t("name"), t("email"), t("phone"), t("tags"), t("score"), t("lastActivity"),
               t("timeline")],
              page.items.map((c: any) => [
                h("a", { href: `#/candidates/${c.candidate_id}`, class: "candidate-link" },
                  c.name ?? c.candidate_id),
                c.email ?? "", c.phone ?? "", (c.tags ?? [c.tag.name]).join(", "),
                explains ? h("button", { type: "button", class: "link explain-score",
                  // the visible text first (axe: label-content-name-mismatch), then whose
                  "aria-label": `${c.score ?? "—"} · ${t("explainScore")}: ${c.name ?? c.candidate_id}`,
                  onclick: async () => {
                    try { explained.replaceChildren(await explanation(c)); }
                    catch (err) { explained.replaceChildren(failure(err)); }
                  } }, `${c.score ?? "—"} · ${t("explainScore")}`) : c.score ?? "",
                when(c.last_activity_at),
                h("a", { href: `#/candidates/${c.candidate_id}`,
                         "aria-label": `${t("candidateTimeline")}: ${c.name ?? c.candidate_id}` },
                  t("timeline"))]),
              t("segment")));
    } catch (err) { result.replaceChildren(failure(err)); }
  } }, field(t("tagsAll"), all), field(t("tagsAny"), any), field(t("tagsNone"), none),
     field(t("minScore"), minScore), field(t("activeSince"), activeSince),
     field("campaign_id", campaign),
     h("button", { type: "submit" }, t("query")));
  main.append(h("h1", {}, t("pool")), form, result, explained);
};

export const exportsPage: Page = async (main) => {
  const report = h("select", { id: "exp-report" }, h("option", { value: "invitations" }, "invitations"),
                   h("option", { value: "campaign-summary" }, "campaign-summary"));
  const format = h("select", { id: "exp-format" }, h("option", { value: "csv" }, "CSV"),
                   h("option", { value: "jsonl" }, "JSON Lines"));
  const campaign = h("input", { id: "exp-campaign" });
  const status = h("div", { id: "export-status", "aria-live": "polite" });
  const list = h("div", { id: "export-list" });
  async function refresh(): Promise<void> {
    const page = await get("/reports/exports", { limit: 20 });
    list.replaceChildren(table([t("report_"), t("format"), t("status"), t("rows"), t("created"), t("download")],
      page.items.map((x: any) => [x.report, x.format, x.status, x.rows ?? "", when(x.created_at),
        x.status === "done" ? h("button", { type: "button", class: "link", onclick: async () => {
          const one = await get(`/reports/exports/${x.export_id}`);
          if (one.download_url) window.location.assign(one.download_url);
        } }, `${t("download")} ${x.export_id.slice(-6)}`) : ""]), t("exports")));
  }
  const form = h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const job = await post("/reports/exports", { report: report.value, format: format.value,
        ...(campaign.value ? { campaign_id: campaign.value } : {}) });
      const bar = progress(t("exports"));
      status.replaceChildren(bar.el);
      for (let i = 0; i < 120; i++) {  // long operation: poll its status until it ends
        const now = await get(`/reports/exports/${job.export_id}`);
        bar.set(now.status === "done" ? 1 : 0, 1);
        status.replaceChildren(bar.el, h("p", {}, `${now.status} · ${now.rows ?? 0} ${t("rows")}`));
        if (now.status === "done" || now.status === "failed") break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      await refresh();
    } catch (err) { status.replaceChildren(failure(err)); }
  } }, field(t("report_"), report), field(t("format"), format), field("campaign_id", campaign),
     h("button", { type: "submit" }, t("requestExport")));
  main.append(h("h1", {}, t("exports")), form, status, list);
  await refresh();
};

function marginView(m: any): HTMLElement {
  const cost = m.aws_cost ?? {};
  return h("section", { class: "card", id: "margin", "aria-labelledby": "margin-h" },
    h("h2", { id: "margin-h" }, `${t("margin")} ${m.month}`),
    h("dl", { class: "stats" },
      h("div", { class: "stat", "data-stat": "revenue" }, h("dt", {}, t("revenue")),
        h("dd", { "data-value": m.revenue }, `${m.revenue} ${m.revenue_currency}`)),
      h("div", { class: "stat", "data-stat": "aws_cost" }, h("dt", {}, t("awsCost")),
        h("dd", { "data-value": cost.total ?? "" }, `${cost.total ?? "—"} ${cost.currency ?? ""}`)),
      h("div", { class: "stat", "data-stat": "margin" }, h("dt", {}, t("margin")),
        h("dd", { "data-value": m.margin ?? "" }, m.margin === null || m.margin === undefined
          ? "—" : `${m.margin} ${m.revenue_currency}`)),
      h("div", { class: "stat", "data-stat": "margin_percent" }, h("dt", {}, t("marginPercent")),
        h("dd", { "data-value": m.margin_percent ?? "" },
          m.margin_percent === null || m.margin_percent === undefined ? "—" : `${m.margin_percent}%`))),
    m.margin === null ? h("p", {}, t("marginNoFx")) : null,
    table([t("service"), `${t("amount")} (USD)`],
          Object.entries(cost.components ?? {}).map(([k, v]) => [k, String(v)]), t("awsCost")));
}

function budgetForm(budget: any, onSaved: () => void): HTMLElement {
  const amount = h("input", { id: "budget-amount", inputmode: "decimal", required: true,
                              pattern: "\\d{1,12}(\\.\\d{1,8})?",
                              value: budget?.monthly_amount ?? "" });
  const thresholds = h("input", { id: "budget-thresholds",
                                  value: (budget?.thresholds ?? [50, 80, 100]).join(", ") });
  const cap = h("input", { id: "budget-cap-sms", type: "checkbox", checked: !!budget?.hard_cap_sms });
  const out = h("div", { "aria-live": "polite" });
  return h("form", { class: "card", id: "budget-form", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      await call("PUT", "/billing/budget", { body: {
        monthly_amount: amount.value.trim(),
        thresholds: thresholds.value.split(/[,，\s]+/).filter(Boolean).map(Number),
        hard_cap_sms: cap.checked } });
      out.replaceChildren(message("ok", t("saved")));
      onSaved();
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, h("h2", {}, t("setBudget")), field(t("monthlyAmount"), amount),
     field(t("thresholds"), thresholds),
     h("div", { class: "field inline" }, cap, h("label", { for: "budget-cap-sms" }, t("hardCapSms"))),
     h("button", { type: "submit", id: "budget-save" }, t("save")), out);
}

export const billingPage: Page = async (main, me) => {
  const month = h("input", { id: "bill-month", type: "month",
                             value: new Date().toISOString().slice(0, 7) });
  const out = h("div", { id: "statement" });
  const marginOut = h("div", { id: "margin-out" });
  const budgetOut = h("div", { id: "budget" });
  const download = h("div", { id: "statement-download", "aria-live": "polite" });
  const admin = me.role === "admin";  // PUT /billing/budget is the admin's
  async function loadBudget(): Promise<any> {
    const budget = await get("/billing/budget").catch(() => null);
    budgetOut.replaceChildren(budget ? h("p", { id: "budget-now" },
      `${t("budget")}: ${budget.monthly_amount ?? "—"} · ${t("spend")}: ${budget.spend ?? "—"}`
      + ` · ${t("alertsAt")}: ${budget.thresholds.join(", ")}`
      + (budget.sms_capped ? ` · ${t("smsCapped")}` : "")) : "");
    return budget;
  }
  async function load(): Promise<void> {
    download.replaceChildren();
    try {
      const [statement, margin] = await Promise.all([get("/usage", { month: month.value }),
        get("/billing/margin", { month: month.value }).catch((err) => err as ApiError)]);
      out.replaceChildren(
        table(["operation", t("quantity"), "unit", t("amount")],
              statement.lines.map((l: any) => [l.operation, l.quantity, l.unit_price, l.amount]),
              `${t("statement")} ${statement.month}`),
        h("p", { id: "statement-total" }, `${t("total")}: ${statement.total} ${statement.currency}`),
        h("button", { type: "button", id: "statement-csv", onclick: async () => {
          try {
            const file = await post("/usage/statements", { month: month.value });
            download.replaceChildren(h("p", {}, h("a", { href: file.url, id: "statement-link",
              download: `statement-${file.month}.csv` }, `${t("download")} ${file.month}.csv`),
              ` · ${t("total")}: ${file.total} ${file.currency}`));
          } catch (err) { download.replaceChildren(failure(err)); }
        } }, t("downloadStatement")), download);
      marginOut.replaceChildren(margin instanceof ApiError ? failure(margin) : marginView(margin));
    } catch (err) { out.replaceChildren(failure(err)); }
  }
  const budget = await loadBudget();
  main.append(h("h1", {}, t("billing")),
              h("form", { class: "filters", onsubmit: (e: Event) => { e.preventDefault(); void load(); } },
                field(t("month"), month), h("button", { type: "submit" }, t("refresh"))),
              out, marginOut, budgetOut,
              admin ? budgetForm(budget, () => { void loadBudget(); }) : "");
  await load();
};

export const settingsPage: Page = async (main, me) => {
  const tenant = await get("/tenant");
  const zone = h("input", { id: "set-tz", value: tenant.timezone });
  const quiet = h("input", { id: "set-quiet", value: tenant.quiet_hours });
  const retention = h("input", { id: "set-retention", type: "number", min: 30, max: 3650,
                                 value: tenant.retention_days });
  const locale = h("select", { id: "set-locale" }, h("option", { value: "en" }, "English"),
                   h("option", { value: "zh-CN" }, "简体中文"));
  locale.value = tenant.default_locale;
  const out = h("div", { "aria-live": "polite" });
  const admin = me.role === "admin";
  for (const input of [zone, quiet, retention, locale]) if (!admin) input.setAttribute("disabled", "");
  main.append(h("h1", {}, `${t("settings")} · ${tenant.name}`), h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      await call("PATCH", "/tenant", { body: { timezone: zone.value, quiet_hours: quiet.value,
        retention_days: Number(retention.value), default_locale: locale.value } });
      out.replaceChildren(message("ok", t("saved")));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, field(t("timezone"), zone, "IANA, e.g. Asia/Shanghai"),
     field(t("quietHours"), quiet, '"21:00-08:00" or "off"'),
     field(t("retention"), retention), field(t("defaultLocale"), locale),
     admin ? h("button", { type: "submit" }, t("save")) : null, out),
    h("p", {}, h("a", { href: "#/settings/templates", id: "templates-link" }, t("editTemplates"))));
  if (admin) main.append(await chatBotForm());
};

// The tenant's chat bot (admin): the URL and secret are write-only, the API shows a hint.
async function chatBotForm(): Promise<HTMLElement> {
  let bot: any = null;
  try { bot = await get("/tenant/chat-bot"); } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) return failure(err);
  }
  const kind = h("select", { id: "bot-kind" }, h("option", { value: "feishu" }, t("botFeishu")),
                 h("option", { value: "dingtalk" }, t("botDingTalk")),
                 h("option", { value: "wecom" }, t("botWeCom")));
  if (bot) kind.value = bot.kind;
  const url = h("input", { id: "bot-url", type: "url", autocomplete: "off",
                           placeholder: bot ? bot.url_hint : "https://" });
  const secret = h("input", { id: "bot-secret", type: "password", autocomplete: "off",
                              placeholder: bot?.signed ? "••••••" : "" });
  const state = h("p", {}, bot ? `${t("botCurrent")}: ${bot.kind} · ${bot.url_hint}` +
                  (bot.last_sent_at ? ` · ${t("botLastSent")} ${bot.last_sent_at}` : "") +
                  (bot.last_error ? ` · ${t("botLastError")} ${bot.last_error}` : "")
                  : t("botNone"));
  const out = h("div", { "aria-live": "polite" });
  const test = h("button", { type: "button", onclick: async () => {
    try {
      const result = await post("/tenant/chat-bot/test", {});
      out.replaceChildren(result.sent ? message("ok", t("botTestSent"))
        : message("error", `${result.code}${result.message ? `: ${result.message}` : ""}`));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, t("botTest"));
  const remove = h("button", { type: "button", onclick: async () => {
    try {
      await call("DELETE", "/tenant/chat-bot");
      state.textContent = t("botNone");
      out.replaceChildren(message("ok", t("saved")));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, t("botRemove"));
  return h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    try {
      const saved = await call("PUT", "/tenant/chat-bot", { body: {
        kind: kind.value, url: url.value.trim(),
        ...(secret.value ? { secret: secret.value } : {}) } });
      url.value = ""; secret.value = "";
      url.setAttribute("placeholder", saved.url_hint);
      state.textContent = `${t("botCurrent")}: ${saved.kind} · ${saved.url_hint}`;
      out.replaceChildren(message("ok", t("saved")));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, h("h2", {}, t("chatBot")), h("p", {}, t("chatBotHint")), state,
     field(t("botKind"), kind), field(t("botUrl"), url, t("botUrlHint")),
     field(t("botSecret"), secret, t("botSecretHint")),
     h("button", { type: "submit" }, t("save")), test, bot ? remove : null, out);
}
