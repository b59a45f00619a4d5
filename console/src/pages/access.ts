// Access (admins): the tenant's API keys (issue, list, revoke) and the vendor webhook secret
// (rotate with an overlap, retire older ones). A new key or secret is shown once, in the page
// only: never in the URL, never stored by the console.
import { ApiError, call, get, post } from "../api";
import { t } from "../i18n";
import { field, h, message, table, when } from "../ui";
import type { Page } from "../main";

const ROLES = ["admin", "recruiter", "interviewer", "finance"];

function failure(err: unknown): HTMLElement {
  return message("error", err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
}

function shownOnce(id: string, label: string, value: string,
                   note: string = t("shownOnce")): HTMLElement {
  const out = h("output", { id, class: "secret" }, value);
  const copy = h("button", { type: "button", onclick: () => {
    void navigator.clipboard?.writeText(value);
  } }, t("copy"));
  return h("div", { class: "card", role: "status" }, h("p", {}, h("strong", {}, label), " ", note),
           out, " ", copy);
}

async function keysSection(me: { key_id: string }): Promise<HTMLElement> {
  const section = h("section", { "aria-labelledby": "keys-h" });
  const list = h("div", { id: "key-list" });
  const out = h("div", { "aria-live": "polite" });
  const role = h("select", { id: "key-role" }, ...ROLES.map((r) => h("option", { value: r }, r)));
  role.value = "recruiter";
  const label = h("input", { id: "key-label", maxlength: 200 });
  const campaigns = h("input", { id: "key-campaigns", placeholder: "cmp01…, cmp01…" });
  const expires = h("input", { id: "key-expires", type: "date" });

  async function refresh(): Promise<void> {
    try {
      const page = await get("/tenant/keys", { limit: 100 });
      list.replaceChildren(table(
        [t("label"), t("role"), t("campaigns"), t("status"), t("created"), t("expires"), ""],
        page.items.map((k: any) => [
          k.label ?? "—", k.role, k.campaign_ids.join(", ") || "—", k.status, when(k.created_at),
          when(k.expires_at),
          k.status === "active" && k.key_id !== me.key_id
            ? h("button", { type: "button", class: "danger", "data-key": k.key_id,
                            onclick: () => void revoke(k.key_id) }, t("revoke"))
            : (k.key_id === me.key_id ? t("thisKey") : "")]),
        t("apiKeys")));
    } catch (err) { list.replaceChildren(failure(err)); }
  }

  async function revoke(keyId: string): Promise<void> {
    if (!window.confirm(t("confirmRevoke"))) return;
    try {
      await call("DELETE", `/tenant/keys/${encodeURIComponent(keyId)}`);
      out.replaceChildren(message("ok", t("revoked")));
    } catch (err) { out.replaceChildren(failure(err)); }
    await refresh();
  }

  const form = h("form", { class: "card", id: "key-form", onsubmit: async (e: Event) => {
    e.preventDefault();
    const ids = campaigns.value.split(/[\s,]+/).filter(Boolean);
    const body: Record<string, unknown> = { role: role.value };
    if (label.value) body.label = label.value;
    if (ids.length) body.campaign_ids = ids;
    if (expires.value) body.expires_at = new Date(`${expires.value}T23:59:59`).toISOString();
    try {
      const created = await post("/tenant/keys", body);
      out.replaceChildren(shownOnce("new-key", t("newKey"), created.api_key));
      form.reset();
      role.value = "recruiter";
    } catch (err) { out.replaceChildren(failure(err)); }
    await refresh();
  } }, h("h3", {}, t("issueKey")), field(t("role"), role), field(t("label"), label),
     field(t("campaigns"), campaigns, t("campaignsHint")), field(t("expires"), expires),
     h("button", { type: "submit" }, t("issueKey")));
  section.append(h("h2", { id: "keys-h" }, t("apiKeys")), list, form, out);
  await refresh();
  return section;
}

async function secretSection(): Promise<HTMLElement> {
  const section = h("section", { "aria-labelledby": "secret-h" });
  const state = h("div", { id: "secret-state" });
  const out = h("div", { "aria-live": "polite" });
  const overlap = h("input", { id: "secret-overlap", type: "number", min: 0, max: 168,
                               value: 24 });

  function show(view: any): void {
    state.replaceChildren(
      h("p", {}, `${t("currentSecret")}: `, h("code", { id: "secret-current" },
        view.current.fingerprint), view.current.since ? ` · ${when(view.current.since)}` : ""),
      view.retiring.length
        ? table([t("olderSecret"), t("rotated"), t("verifiesUntil"), ""],
                view.retiring.map((r: any) => [h("code", {}, r.fingerprint), when(r.rotated_at),
                  when(r.retire_at), h("button", { type: "button", class: "danger",
                    onclick: () => void retire(r.fingerprint) }, t("retire"))]), t("olderSecrets"))
        : h("p", {}, t("noOlderSecrets")));
  }

  async function retire(fingerprint: string): Promise<void> {
    try { show(await post("/tenant/webhook-secret/retire", { fingerprint })); }
    catch (err) { out.replaceChildren(failure(err)); }
  }

  const form = h("form", { class: "card", id: "secret-form", onsubmit: async (e: Event) => {
    e.preventDefault();
    if (!window.confirm(t("confirmRotate"))) return;
    try {
      const rotated = await post("/tenant/webhook-secret/rotate",
                                 { overlap_hours: Number(overlap.value) });
      show(rotated);
      out.replaceChildren(shownOnce("new-secret", t("newSecret"), rotated.webhook_secret,
                                           t("shownOnceSecret")));
    } catch (err) { out.replaceChildren(failure(err)); }
  } }, field(t("overlapHours"), overlap, t("overlapHint")),
     h("button", { type: "submit" }, t("rotate")));
  section.append(h("h2", { id: "secret-h" }, t("webhookSecret")), state, form, out);
  try { show(await get("/tenant/webhook-secret")); } catch (err) { state.replaceChildren(failure(err)); }
  return section;
}

export const accessPage: Page = async (main, me) => {
  main.append(h("h1", {}, t("access")), await keysSection(me), await secretSection());
};
