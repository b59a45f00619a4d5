// Two languages: en and zh-CN. The default follows the browser; the choice is kept for the
// session. Status names and API codes stay as the API spells them (they are searchable).

export type Lang = "en" | "zh-CN";

const en = {
  app: "TalentLoop HR console", signIn: "Sign in", signOut: "Sign out", apiKey: "API key",
  apiKeyHint: "Kept in this tab only (sessionStorage); closing the tab signs out.",
  language: "Language", campaigns: "Campaigns", newCampaign: "New campaign", pool: "Talent pool",
  exports: "Exports", billing: "Billing", settings: "Settings", role: "Role",
  name: "Name", status: "Status", position: "Position", created: "Created", deadline: "Deadline",
  counts: "Counts", all: "All", open: "Open", closed: "Closed", filter: "Filter",
  loadMore: "Load more", loading: "Loading…", none: "Nothing here yet.",
  newPosition: "New position", title: "Title", department: "Department",
  existingPosition: "Position", windowHours: "Completion window (hours)",
  channels: "Channels", locale: "Candidate language", ownerEmail: "Owner email (daily digest)",
  policy: "Reminder policy", rounds: "Rounds", offsetHours: "Offset from deadline (hours)",
  template: "Template", addRound: "Add a round", removeRound: "Remove", grace: "Grace (hours)",
  quietHours: "Quiet hours", quietStart: "Quiet from", quietEnd: "Quiet until",
  quietOff: "No quiet hours", create: "Create", created_ok: "Created.",
  dashboard: "Dashboard", invite: "Invite by CSV", noShows: "No-show group",
  invitations: "Invitations", funnel: "Funnel", reasons: "No-show reasons",
  given: "Given by candidates", inferred: "Inferred from behaviour", reminders: "Reminders",
  reminded: "Reminded", recovered: "Recovered after a reminder", recovery: "Reminder recovery",
  completion: "Completion rate", noShowRate: "No-show rate", liveCounts: "Live status counts",
  closeEarly: "Close early", rename: "Rename", save: "Save", confirmClose: "Close this campaign? No new invitations can be sent.",
  csvFile: "CSV file (name, email, phone, timezone; Chinese headers work too)",
  upload: "Upload and invite", importStep: "Checking rows with the import API…",
  inviteStep: "Sending invitations", report: "Per-row report", line: "Line", result: "Result",
  code: "Code", message: "Message", invitedOk: "invited", duplicates: "duplicates",
  rejected: "rejected", search: "Search (name, email or phone)", candidate: "Candidate",
  email: "Email", phone: "Phone", score: "Score", timeline: "Timeline", when: "When",
  event: "Event", source: "Source", messages: "Messages", channel: "Channel", sent: "Sent",
  lateResult: "Late result", after_deadline: "after the deadline", after_close: "after close",
  after_cancel: "after cancel", vendorSignal: "Vendor says", vendor_expired: "link expired",
  vendor_abandoned: "abandoned",
  reason: "Reason", segment: "Segment", tagsAll: "Has all tags", tagsAny: "Has any tag",
  tagsNone: "Has none of the tags", minScore: "Minimum score", countSegment: "Count the segment",
  query: "Query", total: "Total", tags: "Tags", report_: "Report", format: "Format",
  requestExport: "Request export", download: "Download", rows: "Rows", month: "Month",
  statement: "Statement", budget: "Budget", spend: "Spend", amount: "Amount", quantity: "Quantity",
  timezone: "Time zone", retention: "Retention (days)", saved: "Saved.", defaultLocale: "Default language",
  forbidden: "Your role cannot see this page.", back: "Back", detail: "Detail",
  signedInAs: "Signed in as", refresh: "Refresh", ofTotal: "of",
  decision: "Decide on the no-show group",
  decisionHint: "One decision for the selected rows or the whole group. Preview it first (a dry run writes nothing), then confirm.",
  action: "Action", actReinvite: "Re-invite into another campaign", actExtend: "Extend the deadline",
  actTag: "Tag", scope: "Who", scopeSelected: "Selected rows", scopeAll: "The whole no-show group",
  targetCampaign: "Target campaign (open)", extendHours: "Extra hours", tag: "Tag",
  dryRun: "Preview (dry run)", confirmDecision: "Confirm the decision", deciding: "Deciding",
  selectSome: "Select at least one row first.", previewOf: "Would do", doneOf: "Done",
  newInvitation: "New invitation", dryRunResults: "Preview, per invitation",
  decisionResults: "Result, per invitation", select: "Select",
  extensionRequests: "Extension requests", pending: "pending", approved: "approved",
  denied: "denied", approve: "Approve", deny: "Deny", note: "Note", requested: "Requested",
  decide: "Decide", campaign: "Campaign", candidateTimeline: "Timeline across campaigns",
  templates: "Message templates", templatesHint: "The invitation and each reminder round, per language. Every save is a new version; a campaign keeps the versions it was created with.",
  part: "Part", part_subject: "Email subject", part_txt: "Email text", part_html: "Email HTML", part_sms: "SMS",
  templateSource: "Template text", variables: "Variables", preview: "Preview", saveVersion: "Save as new version",
  resetDefault: "Reset to the shipped template", version: "Version", custom: "custom",
  shippedDefault: "shipped default", savedVersion: "Saved: version", resetDone: "Reset: version",
  smsParts: "SMS parts", templateRefused: "the template was not saved",
  editTemplates: "Edit message templates",
};

type Dict = typeof en;

const zh: Dict = {
  app: "TalentLoop 招聘控制台", signIn: "登录", signOut: "退出", apiKey: "API 密钥",
  apiKeyHint: "仅保存在本标签页（sessionStorage），关闭标签页即退出。",
  language: "语言", campaigns: "面试活动", newCampaign: "新建活动", pool: "人才库",
  exports: "导出", billing: "计费", settings: "设置", role: "角色",
  name: "名称", status: "状态", position: "职位", created: "创建时间", deadline: "截止时间",
  counts: "人数", all: "全部", open: "进行中", closed: "已关闭", filter: "筛选",
  loadMore: "加载更多", loading: "加载中…", none: "暂无数据。",
  newPosition: "新建职位", title: "职位名称", department: "部门",
  existingPosition: "职位", windowHours: "完成时限（小时）",
  channels: "通知渠道", locale: "候选人语言", ownerEmail: "负责人邮箱（每日摘要）",
  policy: "提醒策略", rounds: "提醒轮次", offsetHours: "相对截止时间（小时）",
  template: "模板", addRound: "添加轮次", removeRound: "删除", grace: "宽限期（小时）",
  quietHours: "免打扰时段", quietStart: "免打扰开始", quietEnd: "免打扰结束",
  quietOff: "不设免打扰", create: "创建", created_ok: "已创建。",
  dashboard: "看板", invite: "CSV 批量邀请", noShows: "未面试人群",
  invitations: "邀请", funnel: "漏斗", reasons: "未面试原因",
  given: "候选人填写", inferred: "行为推断", reminders: "提醒",
  reminded: "已提醒", recovered: "提醒后完成", recovery: "提醒挽回率",
  completion: "完成率", noShowRate: "未面试率", liveCounts: "实时状态人数",
  closeEarly: "提前关闭", rename: "重命名", save: "保存", confirmClose: "确定关闭此活动？关闭后不能再发送邀请。",
  csvFile: "CSV 文件（姓名、邮箱、手机、时区；支持中文表头）",
  upload: "上传并邀请", importStep: "正在通过导入接口校验每一行…",
  inviteStep: "正在发送邀请", report: "逐行报告", line: "行", result: "结果",
  code: "代码", message: "说明", invitedOk: "已邀请", duplicates: "重复",
  rejected: "被拒绝", search: "搜索（姓名、邮箱或手机）", candidate: "候选人",
  email: "邮箱", phone: "手机", score: "得分", timeline: "时间线", when: "时间",
  event: "事件", source: "来源", messages: "消息", channel: "渠道", sent: "发送时间",
  lateResult: "逾期结果", after_deadline: "截止后完成", after_close: "关闭后完成",
  after_cancel: "取消后完成", vendorSignal: "供应商状态", vendor_expired: "链接已过期",
  vendor_abandoned: "中途放弃",
  reason: "原因", segment: "人群", tagsAll: "包含全部标签", tagsAny: "包含任一标签",
  tagsNone: "不含这些标签", minScore: "最低配合度", countSegment: "统计人群总数",
  query: "查询", total: "合计", tags: "标签", report_: "报表", format: "格式",
  requestExport: "申请导出", download: "下载", rows: "行数", month: "月份",
  statement: "账单", budget: "预算", spend: "已用", amount: "金额", quantity: "数量",
  timezone: "时区", retention: "保留期（天）", saved: "已保存。", defaultLocale: "默认语言",
  forbidden: "您的角色无权查看此页面。", back: "返回", detail: "详情",
  signedInAs: "当前角色", refresh: "刷新", ofTotal: "/",
  decision: "对未面试人群做决定",
  decisionHint: "对所选行或整个未面试人群做一次决定。请先预览（试运行不写入任何数据），再确认。",
  action: "操作", actReinvite: "邀请到另一个活动", actExtend: "延长截止时间",
  actTag: "打标签", scope: "范围", scopeSelected: "所选行", scopeAll: "整个未面试人群",
  targetCampaign: "目标活动（进行中）", extendHours: "延长小时数", tag: "标签",
  dryRun: "预览（试运行）", confirmDecision: "确认执行", deciding: "正在处理",
  selectSome: "请先至少选择一行。", previewOf: "将会", doneOf: "已完成",
  newInvitation: "新邀请", dryRunResults: "预览（逐条）",
  decisionResults: "结果（逐条）", select: "选择",
  extensionRequests: "延期申请", pending: "待处理", approved: "已批准",
  denied: "已拒绝", approve: "批准", deny: "拒绝", note: "备注", requested: "申请时间",
  decide: "处理", campaign: "活动", candidateTimeline: "跨活动时间线",
  templates: "消息模板", templatesHint: "邀请和每一轮提醒，按语言分别编辑。每次保存都会生成新版本；活动始终使用创建时的模板版本。",
  part: "部分", part_subject: "邮件主题", part_txt: "邮件正文（纯文本）", part_html: "邮件正文（HTML）", part_sms: "短信",
  templateSource: "模板内容", variables: "可用变量", preview: "预览", saveVersion: "保存为新版本",
  resetDefault: "恢复为系统默认模板", version: "版本", custom: "自定义",
  shippedDefault: "系统默认", savedVersion: "已保存：版本", resetDone: "已恢复：版本",
  smsParts: "条短信计费", templateRefused: "模板未保存", editTemplates: "编辑消息模板",
};

const LANG_KEY = "talentloop.lang";

function initial(): Lang {
  const saved = sessionStorage.getItem(LANG_KEY);
  if (saved === "en" || saved === "zh-CN") return saved;
  return (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh-CN" : "en";
}

let lang: Lang = initial();

export function currentLang(): Lang { return lang; }

export function setLang(next: Lang): void {
  lang = next;
  sessionStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
}

export function t(key: keyof Dict): string {
  return (lang === "zh-CN" ? zh : en)[key];
}

document.documentElement.lang = lang;
