// Tiny DOM helpers: no framework, every node built with textContent (never innerHTML), so no
// value from the API can inject markup.

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {},
                                                       ...children: Child[]):
    HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value as EventListener);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function field(label: string, input: HTMLElement, hint?: string): HTMLElement {
  const id = input.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  input.id = id;
  return h("div", { class: "field" }, h("label", { for: id }, label), input,
           hint ? h("small", {}, hint) : null);
}

export function table(headers: string[], rows: Child[][], caption?: string): HTMLElement {
  return h("table", {},
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", { scope: "col" }, x)))),
    h("tbody", {}, ...rows.map((r) => h("tr", {}, ...r.map((c) => h("td", {}, c))))));
}

export function message(kind: "error" | "info" | "ok", text: string): HTMLElement {
  return h("p", { class: `msg ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

export function progress(label: string): { el: HTMLElement; set(done: number, total: number): void } {
  const bar = h("progress", { max: 100, value: 0, "aria-label": label });
  const text = h("span", { class: "progress-text" }, "0%");
  return {
    el: h("div", { class: "progress", role: "status" }, bar, " ", text),
    set(done: number, total: number) {
      const pct = total ? Math.round((100 * done) / total) : 100;
      bar.value = pct;
      text.textContent = `${done} / ${total} (${pct}%)`;
    },
  };
}

export function when(at: string | null | undefined): string {
  if (!at) return "—";
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? at : date.toLocaleString();
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${(value * 100).toFixed(1)}%`;
}
