// Message templates (settings): HR edits the invitation and each reminder round per language
// and part, previews it with sample values and saves a new version. The preview's HTML is shown
// in a sandboxed iframe (no scripts, no same origin), everything else as text.
import { ApiError, call, get, post } from "../api";
import { t } from "../i18n";
import { field, h, message, when } from "../ui";
import type { Page } from "../main";

const KINDS = ["invite", "due_tomorrow", "final_call", "no_show"];
const PARTS = ["subject", "txt", "html", "sms"] as const;
type Part = (typeof PARTS)[number];

function problems(err: unknown): HTMLElement {
  if (!(err instanceof ApiError)) return message("error", String(err));
  const details = Array.isArray(err.details) ? err.details as any[] : [];
  return h("div", { role: "alert", class: "msg error", id: "tpl-errors" },
    h("p", {}, `${err.code}: ${t("templateRefused")}`),
    details.length ? h("ul", {}, ...details.map((d) => h("li", { "data-code": d.code },
      `${d.code}${d.line ? ` (${t("line")} ${d.line})` : ""}: ${d.message}`))) : h("p", {}, err.message));
}

export const templatesPage: Page = async (main, me) => {
  const writer = me.role === "admin" || me.role === "recruiter";
  const kind = h("select", { id: "tpl-kind" }, ...KINDS.map((k) => h("option", { value: k }, k)));
  const locale = h("select", { id: "tpl-locale" }, h("option", { value: "en" }, "English"),
                   h("option", { value: "zh-CN" }, "简体中文"));
  const part = h("select", { id: "tpl-part" }, ...PARTS.map((p) =>
    h("option", { value: p }, t(`part_${p}` as const))));
  const source = h("textarea", { id: "tpl-source", rows: 8, cols: 80, spellcheck: "false" });
  const version = h("p", { id: "tpl-version", "aria-live": "polite" });
  const vars = h("ul", { id: "tpl-vars", class: "vars" });
  const out = h("div", { id: "tpl-result", "aria-live": "polite" });
  const preview = h("div", { id: "tpl-preview-out" });
  let parts: Record<Part, string> = { subject: "", txt: "", html: "", sms: "" };
  let current = 0;
  let shown: Part = "subject";

  function keep(): void { parts[shown] = source.value; }
  function showPart(): void { shown = part.value as Part; source.value = parts[shown]; }

  async function load(): Promise<void> {
    const view = await get(`/tenant/templates/${kind.value}/${locale.value}`);
    parts = { ...view.parts };
    current = view.version;
    showPart();
    version.textContent = view.custom
      ? `${t("version")} ${view.version} · ${t("custom")} · ${when(view.updated_at)}`
      : `${t("version")} ${view.version} · ${t("shippedDefault")}`;
    vars.replaceChildren(...view.variables.map((v: any) =>
      h("li", {}, h("code", {}, `{{ ${v.name} }}`), ` ${v.description}`)));
    out.replaceChildren();
    preview.replaceChildren();
  }

  async function doPreview(): Promise<void> {
    keep();
    try {
      const r = await post(`/tenant/templates/${kind.value}/${locale.value}/preview`, { parts });
      const frame = h("iframe", { id: "tpl-html", sandbox: "", title: t("part_html"),
                                  width: "100%", height: 220 });
      frame.srcdoc = r.html;
      preview.replaceChildren(h("div", { class: "card" },
        h("h2", {}, t("preview")),
        h("p", {}, h("strong", {}, `${t("part_subject")}: `), h("span", { id: "tpl-prev-subject" }, r.subject)),
        h("h3", {}, t("part_txt")), h("pre", { id: "tpl-prev-text" }, r.text),
        h("h3", {}, t("part_html")), frame,
        h("h3", {}, t("part_sms")), h("pre", { id: "tpl-prev-sms" }, r.sms),
        h("p", { id: "tpl-prev-parts" }, `${r.sms_parts} ${t("smsParts")} (${r.sms_encoding})`),
        ...r.warnings.map((w: any) => message("info", `${w.code}: ${w.message}`))));
      out.replaceChildren();
    } catch (err) { out.replaceChildren(problems(err)); }
  }

  async function save(): Promise<void> {
    keep();
    try {
      const r = await call("PUT", `/tenant/templates/${kind.value}/${locale.value}`,
                           { body: { parts, expected_version: current } });
      await load();
      out.replaceChildren(message("ok", `${t("savedVersion")} ${r.version}`),
                          ...r.warnings.map((w: any) => message("info", `${w.code}: ${w.message}`)));
    } catch (err) { out.replaceChildren(problems(err)); }
  }

  async function reset(): Promise<void> {
    try {
      const r = await post(`/tenant/templates/${kind.value}/${locale.value}/reset`, {});
      await load();
      out.replaceChildren(message("ok", `${t("resetDone")} ${r.version}`));
    } catch (err) { out.replaceChildren(problems(err)); }
  }

  kind.addEventListener("change", () => { void load(); });
  locale.addEventListener("change", () => { void load(); });
  part.addEventListener("change", () => { keep(); showPart(); });
  if (!writer) source.setAttribute("readonly", "");
  main.append(h("h1", {}, t("templates")), h("p", {}, t("templatesHint")),
    h("form", { class: "card", onsubmit: (e: Event) => { e.preventDefault(); void doPreview(); } },
      h("div", { class: "filters" }, field(t("template"), kind), field(t("language"), locale),
        field(t("part"), part)),
      version, field(t("templateSource"), source),
      h("details", {}, h("summary", {}, t("variables")), vars),
      h("div", { class: "actions" },
        h("button", { type: "submit", id: "tpl-preview" }, t("preview")),
        writer ? h("button", { type: "button", id: "tpl-save", onclick: () => { void save(); } }, t("saveVersion")) : null,
        writer ? h("button", { type: "button", id: "tpl-reset", class: "link",
                               onclick: () => { void reset(); } }, t("resetDefault")) : null),
      out),
    preview);
  await load();
};
