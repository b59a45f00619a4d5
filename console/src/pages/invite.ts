// Bulk invite by CSV: the file goes through the import API first (every row checked, Chinese
// headers and GB18030 understood, a per-row report), then the rows it accepted are invited
// to the campaign in chunks (each with its own Idempotency-Key, so a retry never invites
// twice), with a progress bar and one report line per row.
import { ApiError, call, post } from "../api";
import { candidates, decode } from "../csv";
import { t } from "../i18n";
import { field, h, message, progress, table } from "../ui";
import type { Page } from "../main";

const CHUNK = 100;

async function digest(bytes: ArrayBuffer): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(hash)).slice(0, 12)
    .map((b) => b.toString(16).padStart(2, "0")).join("");
}

export const invitePage: Page = async (main, _me, [id]) => {
  const file = h("input", { id: "csv-file", type: "file", accept: ".csv,text/csv", required: true });
  const submit = h("button", { type: "submit", id: "upload" }, t("upload"));
  const status = h("div", { id: "invite-status", "aria-live": "polite" });
  const reportEl = h("div", { id: "invite-report" });
  const form = h("form", { class: "card", onsubmit: async (e: Event) => {
    e.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen) return;
    submit.disabled = true;
    reportEl.replaceChildren();
    try {
      const bytes = await chosen.arrayBuffer();
      status.replaceChildren(message("info", t("importStep")));
      const imported = await call("POST", "/talent-pool/imports",
                                  { raw: bytes, contentType: "text/csv" });
      const rejectedLines = new Map<number, any>(
        (imported.items ?? imported.first_rejections ?? [])
          .filter((r: any) => !r.result || r.result === "rejected")
          .map((r: any) => [r.line, r]));
      const rows = candidates(decode(bytes));
      const good = rows.filter((r) => !rejectedLines.has(r.line));
      const bar = progress(t("inviteStep"));
      status.replaceChildren(h("p", {}, t("inviteStep")), bar.el);
      const fingerprint = await digest(bytes);
      const results = new Map<number, { result: string; code?: string; message?: string;
                                        invitation_id?: string }>();
      let created = 0, duplicates = 0, rejected = 0;
      bar.set(0, good.length);
      for (let start = 0; start < good.length; start += CHUNK) {
        const chunk = good.slice(start, start + CHUNK);
        const answer = await post(`/campaigns/${id}/invitations`,
          { candidates: chunk.map((r) => r.fields) },
          { "Idempotency-Key": `csv-${fingerprint}-${start}` });
        created += answer.created; duplicates += answer.duplicates;
        rejected += answer.rejected.length;
        for (const item of answer.items) {
          results.set(chunk[item.index].line, { result: item.result,
                                                invitation_id: item.invitation_id });
        }
        for (const r of answer.rejected) {
          results.set(chunk[r.index].line, { result: "rejected", code: r.code, message: r.message });
        }
        bar.set(Math.min(start + CHUNK, good.length), good.length);
      }
      for (const [line, r] of rejectedLines) {
        results.set(line, { result: "rejected", code: r.code, message: r.message });
        rejected += 1;
      }
      status.append(message("ok", `${created} ${t("invitedOk")} · ${duplicates} ${t("duplicates")}`
                                  + ` · ${rejected} ${t("rejected")}`));
      const lines = [...results.entries()].sort((a, b) => a[0] - b[0]);
      reportEl.replaceChildren(table([t("line"), t("name"), t("result"), t("code"), t("message")],
        lines.map(([line, r]) => [String(line),
          rows.find((x) => x.line === line)?.fields.name ?? "",
          r.invitation_id ? h("a", { href: `#/invitations/${r.invitation_id}` }, r.result) : r.result,
          r.code ?? "", r.message ?? ""]), t("report")),
        h("p", {}, h("a", { href: `#/campaigns/${id}`, class: "button" }, t("dashboard"))));
    } catch (err) {
      status.replaceChildren(message("error", err instanceof ApiError
        ? `${err.code}: ${err.message}` : String(err)));
    } finally {
      submit.disabled = false;
    }
  } }, field(t("csvFile"), file), submit);
  main.append(h("h1", {}, t("invite")),
              h("p", {}, h("a", { href: `#/campaigns/${id}` }, `← ${t("dashboard")}`)),
              form, status, reportEl);
};
