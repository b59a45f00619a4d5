// The API client: same origin as the console; the key lives in sessionStorage only (never
// in the URL, never in localStorage), so closing the tab signs out.

const KEY = "talentloop.apiKey";

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string,
              public details?: unknown) {
    super(message);
  }
}

/** The API's root: the page is <root>/console (a stage prefix, if any, is kept). */
export function apiRoot(): string {
  return window.location.pathname.replace(/\/console\/?$/, "");
}

export const session = {
  key(): string | null { return sessionStorage.getItem(KEY); },
  signIn(key: string): void { sessionStorage.setItem(KEY, key); },
  signOut(): void { sessionStorage.removeItem(KEY); },
};

export type Query = Record<string, string | number | boolean | null | undefined>;

export function qs(query: Query = {}): string {
  const parts = Object.entries(query)
    .filter(([, v]) => v !== null && v !== undefined && v !== "")
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export async function call<T = any>(method: string, path: string,
                                    options: { body?: unknown; raw?: BodyInit;
                                               contentType?: string; query?: Query;
                                               headers?: Record<string, string>;
                                               key?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  const key = options.key ?? session.key();
  if (key) headers["Authorization"] = `Bearer ${key}`;
  let body: BodyInit | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers["Content-Type"] = options.contentType ?? "text/csv";
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers["Content-Type"] = "application/json";
  }
  const response = await fetch(apiRoot() + path + qs(options.query), { method, headers, body });
  const text = await response.text();
  let data: any = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    const err = data?.error ?? {};
    throw new ApiError(response.status, err.code ?? `http_${response.status}`,
                       err.message ?? response.statusText, err.details);
  }
  return data as T;
}

export const get = <T = any>(path: string, query?: Query) => call<T>("GET", path, { query });
export const post = <T = any>(path: string, body: unknown, headers?: Record<string, string>) =>
  call<T>("POST", path, { body, headers });

/** A file the API answers (a CSV), saved by the browser: fetched with the key in the header
 *  (never in a URL), then handed over as a blob link. */
export async function download(path: string, query: Query, filename: string): Promise<void> {
  const key = session.key();
  const response = await fetch(apiRoot() + path + qs(query),
                               { headers: key ? { Authorization: `Bearer ${key}` } : {} });
  if (!response.ok) {
    const err = (await response.json().catch(() => null))?.error ?? {};
    throw new ApiError(response.status, err.code ?? `http_${response.status}`,
                       err.message ?? response.statusText, err.details);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
