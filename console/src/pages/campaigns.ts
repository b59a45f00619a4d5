// Campaigns: the list (newest first, by status and position) and the creation form with
// its reminder-policy editor (rounds, grace, quiet hours).
import { ApiError, get, post } from "../api";
import { t } from "../i18n";
import { field, h, message, when } from "../ui";
import type { Page } from "../main";

export const campaignsPage: Page = async (main, me) => {
  const status = h("select", { id: "filter-status" }, h("option", { value: "" }, t("all")),
                   h("option", { value: "open" }, t("open")),
                   h("option", { value: "closed" }, t("closed")));
  const positions = await get("/positions", { limit: 100 }).catch(() => ({ items: [] }));
  const names = new Map<string, string>(positions.items.map((p: any) => [p.id, p.title]));
  const position = h("select", { id: "filter-position" }, h("option", { value: "" }, t("all")),
    ...positions.items.map((p: any) => h("option", { value: p.id }, p.title)));
  const list = h("div", { id: "campaign-list" });
  const more = h("button", { type: "button", hidden: true }, t("loadMore"));
  let cursor: string | null = null;
  const rows: HTMLElement[] = [];

  async function load(reset: boolean): Promise<void> {
    if (reset) { cursor = null; rows.length = 0; }
    const page = await get("/campaigns", { limit: 25, cursor, status: status.value,
                                           position_id: position.value });
    for (const c of page.items) {
      const counts = c.counts;
      rows.push(h("tr", {},
        h("td", {}, h("a", { href: `#/campaigns/${c.id}` }, c.name)),
        h("td", {}, names.get(c.position_id) ?? c.position_id),
        h("td", {}, c.status === "closed" ? t("closed") : t("open")),
        h("td", {}, when(c.created_at)),
        h("td", {}, `${counts.completed + counts.completed_late} ✓ · ${counts.no_show} ✗ · `
                    + `${Object.values(counts as Record<string, number>).reduce((a, b) => a + b, 0)}`)));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
    list.replaceChildren(rows.length ? h("table", {},
      h("caption", {}, t("campaigns")),
      h("thead", {}, h("tr", {}, ...[t("name"), t("position"), t("status"), t("created"),
                                     t("counts")].map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, ...rows)) : h("p", {}, t("none")));
  }

  more.addEventListener("click", () => { void load(false); });
  const filters = h("form", { class: "filters", onsubmit: (e: Event) => {
    e.preventDefault(); void load(true);
  } }, field(t("status"), status), field(t("position"), position),
     h("button", { type: "submit" }, t("filter")));
  main.append(h("h1", {}, t("campaigns")),
              me.role === "interviewer" ? ""
                : h("p", {}, h("a", { href: "#/campaigns/new", class: "button" }, t("newCampaign"))),
              filters, list, more);
  await load(true);
};

interface RoundRow { offset: HTMLInputElement; email: HTMLInputElement; sms: HTMLInputElement;
                     template: HTMLSelectElement; el: HTMLElement }

export const newCampaignPage: Page = async (main) => {
  const positions = await get("/positions", { limit: 100 });
  const out = h("div", { id: "create-result", "aria-live": "polite" });
  // -- position
  const posSelect = h("select", { id: "position" },
    h("option", { value: "" }, `+ ${t("newPosition")}`),
    ...positions.items.map((p: any) => h("option", { value: p.id }, p.title)));
  const posTitle = h("input", { id: "position-title", maxlength: 200 });
  const posDept = h("input", { id: "position-department", maxlength: 200 });
  const newPos = h("fieldset", {}, h("legend", {}, t("newPosition")),
                   field(t("title"), posTitle), field(t("department"), posDept));
  posSelect.addEventListener("change", () => { newPos.hidden = posSelect.value !== ""; });
  // -- campaign
  const name = h("input", { id: "campaign-name", required: true, maxlength: 200 });
  const windowHours = h("input", { id: "window-hours", type: "number", min: 1, max: 1440,
                                   value: 72, required: true });
  const email = h("input", { id: "ch-email", type: "checkbox", checked: true });
  const sms = h("input", { id: "ch-sms", type: "checkbox" });
  const locale = h("select", { id: "campaign-locale" }, h("option", { value: "" }, "—"),
                   h("option", { value: "zh-CN" }, "简体中文"), h("option", { value: "en" }, "English"));
  const owner = h("input", { id: "owner-email", type: "email" });
  const interviewers = h("input", { id: "interviewer-emails", type: "text" });
  // -- policy
  const rounds: RoundRow[] = [];
  const roundList = h("div", { id: "rounds" });
  function addRound(offset: number, channels: string[], template: string): void {
    const n = rounds.length + 1;
    const row: RoundRow = {
      offset: h("input", { type: "number", step: 1, value: offset, id: `round-${n}-offset` }),
      email: h("input", { type: "checkbox", checked: channels.includes("email"), id: `round-${n}-email` }),
      sms: h("input", { type: "checkbox", checked: channels.includes("sms"), id: `round-${n}-sms` }),
      template: h("select", { id: `round-${n}-template` },
        ...["due_tomorrow", "no_show", "final_call"].map((x) => h("option", { value: x }, x))),
      el: h("div"),
    };
    row.template.value = template;
    const remove = h("button", { type: "button", class: "link", onclick: () => {
      rounds.splice(rounds.indexOf(row), 1); row.el.remove();
    } }, `${t("removeRound")} ${n}`);
    row.el = h("fieldset", { class: "round" }, h("legend", {}, `${t("rounds")} ${n}`),
      field(t("offsetHours"), row.offset),
      h("div", { class: "field inline" }, row.email, h("label", { for: row.email.id }, "email"),
        row.sms, h("label", { for: row.sms.id }, "sms")),
      field(t("template"), row.template), remove);
    rounds.push(row);
    roundList.append(row.el);
  }
  addRound(-24, ["email"], "due_tomorrow");
  addRound(0, ["email"], "no_show");
  // -- audience windows: hours per candidate audience (the campaign's window for the rest)
  const audiences: { name: HTMLInputElement; hours: HTMLInputElement; el: HTMLElement }[] = [];
  const audienceList = h("div", { id: "audiences" });
  let audienceSeq = 0;
  function addAudience(audience: string, hours: number): void {
    const n = ++audienceSeq;
    const row = {
      name: h("input", { id: `audience-${n}-name`, value: audience, required: true, maxlength: 40,
                         pattern: "[a-z][a-z0-9_]{0,39}", autocomplete: "off" }),
      hours: h("input", { id: `audience-${n}-hours`, type: "number", min: 1, max: 1440, step: "any",
                          value: hours, required: true }),
      el: h("div"),
    };
    const remove = h("button", { type: "button", class: "link", onclick: () => {
      audiences.splice(audiences.indexOf(row), 1); row.el.remove();
    } }, `${t("removeRound")} ${t("audience")} ${n}`);
    row.el = h("div", { class: "audience inline-form", role: "group",
                        "aria-label": `${t("audience")} ${n}` },
      field(t("audienceName"), row.name), field(t("hours"), row.hours), remove);
    audiences.push(row);
    audienceList.append(row.el);
  }
  const grace = h("input", { id: "grace-hours", type: "number", min: 0, max: 720, value: 48 });
  const quietStart = h("input", { id: "quiet-start", type: "time", value: "21:00" });
  const quietEnd = h("input", { id: "quiet-end", type: "time", value: "08:00" });
  const quietOff = h("input", { id: "quiet-off", type: "checkbox" });

  const submit = h("button", { type: "submit", id: "create-campaign" }, t("create"));
  const form = h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    submit.disabled = true;
    out.replaceChildren(message("info", t("loading")));
    try {
      let positionId = posSelect.value;
      if (!positionId) {
        const made = await post("/positions", { title: posTitle.value.trim(),
                                                department: posDept.value.trim() || null });
        positionId = made.id;
      }
      const channels = [email.checked && "email", sms.checked && "sms"].filter(Boolean);
      const campaign = await post("/campaigns", {
        position_id: positionId, name: name.value.trim(), window_hours: Number(windowHours.value),
        channels, ...(locale.value ? { locale: locale.value } : {}),
        ...(owner.value ? { owner_email: owner.value.trim() } : {}),
        ...(audiences.length ? { audience_windows: Object.fromEntries(audiences.map((a) =>
          [a.name.value.trim(), Number(a.hours.value)])) } : {}),
        ...(interviewers.value.trim() ? { interviewer_emails: interviewers.value.split(/[,，;\s]+/)
          .map((a) => a.trim()).filter(Boolean) } : {}),
        reminder_policy: {
          rounds: rounds.map((r) => ({ offset_hours: Number(r.offset.value),
            channels: [r.email.checked && "email", r.sms.checked && "sms"].filter(Boolean),
            template: r.template.value })),
          grace_hours: Number(grace.value),
          quiet_hours: quietOff.checked ? null : { start: quietStart.value, end: quietEnd.value },
        },
      });
      location.hash = `#/campaigns/${campaign.id}`;
    } catch (err) {
      submit.disabled = false;
      out.replaceChildren(message("error", err instanceof ApiError
        ? `${err.code}: ${err.message}` : String(err)));
    }
  } },
    field(t("existingPosition"), posSelect), newPos,
    h("fieldset", {}, h("legend", {}, t("newCampaign")),
      field(t("name"), name), field(t("windowHours"), windowHours),
      h("div", { class: "field inline", role: "group", "aria-label": t("channels") },
        h("span", {}, t("channels")), email, h("label", { for: "ch-email" }, "email"),
        sms, h("label", { for: "ch-sms" }, "sms")),
      field(t("locale"), locale), field(t("ownerEmail"), owner),
      field(t("interviewerEmails"), interviewers)),
    h("fieldset", { id: "audience-windows" }, h("legend", {}, t("audienceWindows")),
      h("p", { class: "hint" }, t("audienceHint")), audienceList,
      h("button", { type: "button", class: "link", id: "add-audience",
                    onclick: () => addAudience("", 72) }, t("addAudience"))),
    h("fieldset", {}, h("legend", {}, t("policy")), roundList,
      h("button", { type: "button", class: "link", onclick: () => addRound(24, ["email"], "final_call") },
        t("addRound")),
      field(t("grace"), grace),
      h("fieldset", {}, h("legend", {}, t("quietHours")),
        field(t("quietStart"), quietStart), field(t("quietEnd"), quietEnd),
        h("div", { class: "field inline" }, quietOff, h("label", { for: "quiet-off" }, t("quietOff"))))),
    submit, out);
  main.append(h("h1", {}, t("newCampaign")), form);
};
