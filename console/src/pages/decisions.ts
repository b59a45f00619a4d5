// The decision panel of a campaign's no-show group: one decision (re-invite into another
// campaign, extend, tag hold_contact / cold) on the selected rows or the whole group, a dry
// run first (what would happen, per row), then the real run in chunks with a progress bar
// (each chunk with its own Idempotency-Key, so a retried chunk is answered, not redone).
import { ApiError, get, post } from "../api";
import { t } from "../i18n";
import { field, h, message, progress, table } from "../ui";

const CHUNK = 100;

interface Item { invitation_id: string; outcome: string; reason_code: string | null;
                 new_invitation_id: string | null }

export async function decisionPanel(campaignId: string, total: number,
                                    selected: () => string[],
                                    names: (id: string) => string): Promise<HTMLElement> {
  const open = await get("/campaigns", { status: "open", limit: 100 })
    .catch(() => ({ items: [] }));
  const targets = open.items.filter((c: any) => c.id !== campaignId);
  const action = h("select", { id: "decision-action" },
    h("option", { value: "reinvite" }, t("actReinvite")),
    h("option", { value: "extend" }, t("actExtend")),
    h("option", { value: "tag" }, t("actTag")));
  const target = h("select", { id: "decision-target" },
    ...targets.map((c: any) => h("option", { value: c.id }, c.name)));
  const hours = h("input", { id: "decision-hours", type: "number", min: 1, max: 720,
                             value: 48 });
  const tag = h("select", { id: "decision-tag" },
    h("option", { value: "hold_contact" }, "hold_contact"), h("option", { value: "cold" }, "cold"));
  const scope = h("select", { id: "decision-scope" },
    h("option", { value: "selected" }, t("scopeSelected")),
    h("option", { value: "all" }, `${t("scopeAll")} (${total})`));
  const targetField = field(t("targetCampaign"), target);
  const hoursField = field(t("extendHours"), hours);
  const tagField = field(t("tag"), tag);
  const preview = h("button", { type: "button", id: "decision-preview" }, t("dryRun"));
  const confirm = h("button", { type: "button", id: "decision-confirm", disabled: true },
                    t("confirmDecision"));
  const status = h("div", { id: "decision-status", "aria-live": "polite" });
  const results = h("div", { id: "decision-results" });

  function shown(): void {
    targetField.hidden = action.value !== "reinvite";
    hoursField.hidden = action.value !== "extend";
    tagField.hidden = action.value !== "tag";
    confirm.disabled = true;
  }
  for (const input of [action, target, hours, tag, scope]) {
    input.addEventListener("change", shown);
  }
  shown();

  function body(dryRun: boolean): Record<string, unknown> {
    const base: Record<string, unknown> = { action: action.value, dry_run: dryRun };
    if (action.value === "reinvite") base.target_campaign_id = target.value;
    if (action.value === "extend") base.extend_hours = Number(hours.value);
    if (action.value === "tag") base.tag = tag.value;
    return base;
  }

  /** Every chunk of the decision: the selected ids CHUNK at a time, or the whole group
   * page by page (the API's cursor). */
  async function run(dryRun: boolean): Promise<Item[]> {
    const ids = scope.value === "selected" ? selected() : null;
    if (ids !== null && !ids.length) throw new Error(t("selectSome"));
    const count = ids ? ids.length : total;
    const bar = progress(t("deciding"));
    status.replaceChildren(bar.el);
    bar.set(0, count);
    const key = `decision-${campaignId}-${Date.now().toString(36)}`;
    const items: Item[] = [];
    if (ids) {
      for (let start = 0; start < ids.length; start += CHUNK) {
        const answer = await post(`/campaigns/${campaignId}/no-shows/decision`,
          { ...body(dryRun), invitation_ids: ids.slice(start, start + CHUNK) },
          dryRun ? undefined : { "Idempotency-Key": `${key}-${start}` });
        items.push(...answer.items);
        bar.set(Math.min(start + CHUNK, ids.length), count);
      }
    } else {
      let cursor: string | null = null;
      let n = 0;
      do {
        const answer: any = await post(`/campaigns/${campaignId}/no-shows/decision`,
          { ...body(dryRun), limit: CHUNK, ...(cursor ? { cursor } : {}) },
          dryRun ? undefined : { "Idempotency-Key": `${key}-${n}` });
        items.push(...answer.items);
        cursor = answer.next_cursor;
        n += 1;
        bar.set(Math.min(items.length, count), Math.max(count, items.length));
      } while (cursor);
      bar.set(items.length, items.length);
    }
    return items;
  }

  function report(items: Item[], dryRun: boolean): void {
    const totals: Record<string, number> = {};
    for (const i of items) totals[i.outcome] = (totals[i.outcome] ?? 0) + 1;
    status.append(message("ok", `${dryRun ? t("previewOf") : t("doneOf")}: ` + Object.entries(totals)
      .map(([k, v]) => `${v} ${k}`).join(" · ")));
    results.replaceChildren(table([t("candidate"), t("result"), t("code"), t("newInvitation")],
      items.map((i) => [names(i.invitation_id), h("span", { "data-outcome": i.outcome }, i.outcome),
                        i.reason_code ?? "",
                        i.new_invitation_id ? h("a", { href: `#/invitations/${i.new_invitation_id}` },
                                                i.new_invitation_id) : ""]),
      dryRun ? t("dryRunResults") : t("decisionResults")));
  }

  async function go(dryRun: boolean): Promise<void> {
    preview.disabled = confirm.disabled = true;
    results.replaceChildren();
    try {
      const items = await run(dryRun);
      report(items, dryRun);
      confirm.disabled = !dryRun;
    } catch (err) {
      status.replaceChildren(message("error", err instanceof ApiError
        ? `${err.code}: ${err.message}` : String((err as Error).message ?? err)));
    } finally {
      preview.disabled = false;
    }
  }
  preview.addEventListener("click", () => { void go(true); });
  confirm.addEventListener("click", () => { void go(false); });

  return h("section", { class: "card", id: "decision-panel", "aria-labelledby": "decision-h" },
    h("h2", { id: "decision-h" }, t("decision")),
    h("p", { class: "meta" }, t("decisionHint")),
    h("div", { class: "filters" }, field(t("action"), action), field(t("scope"), scope),
      targetField, hoursField, tagField),
    h("p", { class: "subnav" }, preview, confirm), status, results);
}
