// CSV in the browser: decode (UTF-8, else GB18030 as Chinese spreadsheets save it), split
// RFC 4180 records, map Chinese or English headers to the invitation fields.

export function decode(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}

export function records(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(cell); rows.push(row); row = []; cell = "";
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows.filter((r) => r.some((x) => x.trim()));
}

const ALIASES: Record<string, string[]> = {
  name: ["name", "full name", "姓名", "名字"],
  email: ["email", "e-mail", "mail", "邮箱", "电子邮件", "邮件"],
  phone: ["phone", "mobile", "手机", "手机号", "电话", "手机号码"],
  timezone: ["timezone", "time zone", "时区"],
  locale: ["locale", "language", "语言"],
  external_id: ["external_id", "id", "编号", "工号"],
  audience: ["audience", "人群"],
};

export interface Row { line: number; fields: Record<string, string> }

export function candidates(text: string): Row[] {
  const [header, ...body] = records(text);
  if (!header) return [];
  const columns = header.map((name) => {
    const key = name.trim().toLowerCase();
    return Object.keys(ALIASES).find((f) => ALIASES[f].includes(key)) ?? null;
  });
  return body.map((cells, i) => {
    const fields: Record<string, string> = {};
    columns.forEach((f, j) => { if (f && cells[j]?.trim()) fields[f] = cells[j].trim(); });
    return { line: i + 2, fields };
  });
}
