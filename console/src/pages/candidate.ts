// A candidate's timeline across campaigns: their invitations, then every event (messages,
// vendor events, self-service, HR actions) newest first, a page at a time.
import { get } from "../api";
import { t } from "../i18n";
import { h, table, when } from "../ui";
import type { Page } from "../main";

export const candidatePage: Page = async (main, _me, [id]) => {
  const first = await get(`/candidates/${id}/timeline`, { limit: 50 });
  const list = h("ol", { class: "timeline", id: "candidate-timeline" });
  const more = h("button", { type: "button", id: "timeline-more", hidden: true }, t("loadMore"));
  let cursor: string | null = null;

  function add(page: any): void {
    for (const e of page.items) {
      list.append(h("li", { "data-type": e.type, "data-campaign": e.campaign_id ?? "" },
        h("time", { datetime: e.at }, when(e.at)), " ", h("strong", {}, e.type),
        ` · ${e.source} · `, h("a", { href: `#/invitations/${e.invitation_id}` },
                               e.campaign_name ?? e.campaign_id ?? e.invitation_id),
        e.channel ? ` · ${e.channel}` : "", e.applied ? ` → ${e.applied}` : ""));
    }
    cursor = page.next_cursor;
    more.hidden = !cursor;
  }
  more.addEventListener("click", async () => { add(await get(`/candidates/${id}/timeline`,
                                                              { limit: 50, cursor })); });
  main.append(
    h("h1", {}, `${first.name ?? id} · ${t("candidateTimeline")}`),
    h("section", { "aria-labelledby": "ci-h" }, h("h2", { id: "ci-h" }, t("invitations")),
      table([t("campaign"), t("status"), t("deadline"), t("created")],
            first.invitations.map((i: any) => [
              h("a", { href: `#/invitations/${i.id}` }, i.campaign_name ?? i.campaign_id),
              i.status, when(i.deadline_at), when(i.created_at)]))),
    h("section", { "aria-labelledby": "ct-h" }, h("h2", { id: "ct-h" }, t("timeline")), list, more));
  add(first);
};
