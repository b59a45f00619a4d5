// The HR console's shell: sign-in, navigation by role, language switch and a hash router.
import "./style.css";
import { ApiError, get, session } from "./api";
import { currentLang, setLang, t, type Lang } from "./i18n";
import { h, message } from "./ui";
import { campaignsPage, newCampaignPage } from "./pages/campaigns";
import { dashboardPage } from "./pages/dashboard";
import { invitePage } from "./pages/invite";
import { invitationPage, invitationsPage } from "./pages/invitations";
import { billingPage, exportsPage, poolPage, settingsPage } from "./pages/admin";
import { extensionsPage } from "./pages/extensions";
import { candidatePage } from "./pages/candidate";
import { accessPage } from "./pages/access";
import { reportsPage } from "./pages/reports";
import { templatesPage } from "./pages/templates";

export interface Me { tenant_id: string; role: string; key_id: string; campaign_ids: string[] }
export type Page = (main: HTMLElement, me: Me, params: string[], query: URLSearchParams) =>
  Promise<void>;

interface Route { pattern: RegExp; page: Page; roles: string[] }

const ALL = ["admin", "recruiter", "interviewer", "finance"];
const HR = ["admin", "recruiter"];
const ROUTES: Route[] = [
  { pattern: /^\/campaigns$/, page: campaignsPage, roles: ["admin", "recruiter", "interviewer"] },
  { pattern: /^\/campaigns\/new$/, page: newCampaignPage, roles: HR },
  { pattern: /^\/campaigns\/([^/]+)$/, page: dashboardPage, roles: ["admin", "recruiter", "interviewer"] },
  { pattern: /^\/campaigns\/([^/]+)\/invite$/, page: invitePage, roles: HR },
  { pattern: /^\/campaigns\/([^/]+)\/invitations$/, page: invitationsPage, roles: ["admin", "recruiter", "interviewer"] },
  { pattern: /^\/invitations\/([^/]+)$/, page: invitationPage, roles: ["admin", "recruiter", "interviewer"] },
  { pattern: /^\/extension-requests$/, page: extensionsPage, roles: ["admin", "recruiter", "interviewer"] },
  { pattern: /^\/candidates\/([^/]+)$/, page: candidatePage, roles: ["admin", "recruiter", "interviewer"] },
  { pattern: /^\/pool$/, page: poolPage, roles: HR },
  { pattern: /^\/reports$/, page: reportsPage, roles: ALL },
  { pattern: /^\/exports$/, page: exportsPage, roles: ["admin", "recruiter", "finance"] },
  { pattern: /^\/billing$/, page: billingPage, roles: ["admin", "finance"] },
  { pattern: /^\/settings$/, page: settingsPage, roles: HR },
  { pattern: /^\/access$/, page: accessPage, roles: ["admin"] },
  { pattern: /^\/settings\/templates$/, page: templatesPage, roles: HR },
];
const NAV: [string, Parameters<typeof t>[0], string[]][] = [
  ["#/campaigns", "campaigns", ["admin", "recruiter", "interviewer"]],
  ["#/campaigns/new", "newCampaign", HR],
  ["#/extension-requests", "extensionRequests", ["admin", "recruiter", "interviewer"]],
  ["#/pool", "pool", HR],
  ["#/reports", "reportsTitle", ALL],
  ["#/exports", "exports", ["admin", "recruiter", "finance"]],
  ["#/billing", "billing", ["admin", "finance"]],
  ["#/settings", "settings", HR],
  ["#/access", "access", ["admin"]],
];

const root = document.getElementById("app") as HTMLElement;
let me: Me | null = null;

function home(role: string): string { return role === "finance" ? "#/billing" : "#/campaigns"; }

function languageSwitch(): HTMLElement {
  const select = h("select", { id: "lang", onchange: (e: Event) => {
    setLang((e.target as HTMLSelectElement).value as Lang);
    render();
  } }, h("option", { value: "en" }, "English"), h("option", { value: "zh-CN" }, "简体中文"));
  select.value = currentLang();
  return h("div", { class: "lang" }, h("label", { for: "lang" }, t("language")), " ", select);
}

function signInPage(error?: string): void {
  const input = h("input", { id: "api-key", type: "password", autocomplete: "off",
                             required: true, name: "api-key" });
  const form = h("form", { class: "card signin", onsubmit: async (e: Event) => {
    e.preventDefault();
    const key = input.value.trim();
    try {
      session.signIn(key);
      me = await get<Me>("/me");
      if (!location.hash || location.hash === "#/" || location.hash === "#/signin") {
        location.hash = home(me.role);
      }
      render();
    } catch (err) {
      session.signOut();
      me = null;
      signInPage(err instanceof ApiError ? err.message : String(err));
    }
  } },
    h("h1", {}, t("app")),
    h("div", { class: "field" }, h("label", { for: "api-key" }, t("apiKey")), input,
      h("small", {}, t("apiKeyHint"))),
    error ? message("error", error) : null,
    h("button", { type: "submit" }, t("signIn")));
  root.replaceChildren(h("header", { class: "top" }, h("span", { class: "brand" }, "TalentLoop"),
                         languageSwitch()),
                       h("main", { id: "main" }, form));
  document.title = `${t("signIn")} · ${t("app")}`;
}

async function render(): Promise<void> {
  if (!session.key()) { signInPage(); return; }
  if (!me) {
    try { me = await get<Me>("/me"); } catch { session.signOut(); signInPage(); return; }
  }
  const path = (location.hash.replace(/^#/, "") || home(me.role).slice(1)).split("?")[0];
  const query = new URLSearchParams(location.hash.split("?")[1] ?? "");
  const nav = h("nav", { "aria-label": t("app") }, h("ul", {},
    ...NAV.filter(([, , roles]) => roles.includes(me!.role)).map(([href, label]) =>
      h("li", {}, h("a", { href, "aria-current": location.hash === href ? "page" : null },
                    t(label))))));
  const main = h("main", { id: "main", tabindex: -1 });
  const signOut = h("button", { type: "button", class: "link", onclick: () => {
    session.signOut(); me = null; location.hash = ""; signInPage();
  } }, t("signOut"));
  root.replaceChildren(
    h("header", { class: "top" }, h("span", { class: "brand" }, "TalentLoop"), nav,
      h("span", { class: "who" }, `${t("signedInAs")}: ${me.role}`), languageSwitch(), signOut),
    main);
  const route = ROUTES.find((r) => r.pattern.test(path));
  if (!route) { location.hash = home(me.role); return; }
  if (!route.roles.includes(me.role) || !ALL.includes(me.role)) {
    main.append(message("error", t("forbidden")));
    return;
  }
  const params = (path.match(route.pattern) ?? []).slice(1).map(decodeURIComponent);
  const loading = h("p", { class: "loading", role: "status" }, t("loading"));
  const content = h("div", {});
  main.replaceChildren(loading, content);  // attached first: charts measure their boxes
  try {
    await route.page(content, me, params, query);
    loading.remove();
  } catch (err) {
    main.replaceChildren(message("error", err instanceof ApiError
      ? `${err.code}: ${err.message}` : String(err)));
  }
  const heading = main.querySelector("h1");
  document.title = `${heading?.textContent ?? ""} · ${t("app")}`;
}

window.addEventListener("hashchange", () => { void render(); });
void render();
