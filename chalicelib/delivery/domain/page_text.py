# ruff: noqa: RUF001 (Chinese text uses full-width punctuation on purpose)
"""The candidate page's words in each language it speaks (pure data).

Every locale has every key (tests/unit/test_candidate_page.py checks it), so a template never
shows a key name instead of a sentence.
"""

from __future__ import annotations

EN: dict[str, str] = {
    "title": "Your AI interview",
    "company": "Company",
    "position": "Position",
    "status": "Status",
    "deadline": "Complete it by",
    "start": "Start the interview",
    "reason_title": "Can't make it? Tell us why",
    "reason_label": "Reason",
    "reason_text": "Anything else (optional)",
    "reason_send": "Send my reason",
    "reason_given": "You told us: {reason}",
    "extension_title": "Need more time?",
    "extension_help": "Ask for more time. The first request is approved at once; "
                      "after that, the recruiter decides.",
    "extension_send": "Ask for more time",
    "extension_pending": "You asked for more time. The recruiter will decide.",
    "opt_out_title": "Stop messages",
    "opt_out_help": "We will send you no more messages about interviews with this company.",
    "opt_out_confirm": "Yes, stop all messages to me",
    "opt_out_send": "Stop messages",
    "done_title": "Done",
    "done_reason": "Thank you. Your reason was recorded: {reason}.",
    "done_approved": "More time granted. You can now complete the interview until {deadline}.",
    "done_queued_for_hr": "Your request for more time was sent to the recruiter, who will decide.",
    "done_not_allowed": "More time cannot be given for this interview any more.",
    "done_opted_out": "You will receive no more messages about interviews with this company.",
    "back": "Back to your invitation",
    "problem_title": "This link does not work",
    "problem_expired": "This link has expired. Please contact the recruiter if you still "
                       "need help.",
    "problem_invalid": "This link is not valid. Please use the link from your latest "
                       "message.",
    "problem_gone": "This invitation no longer exists.",
    "input_title": "Please check your answer",
    "problem_input": "Something in the form was not right. Please go back and try again.",
    "problem_reason": "Please choose one of the reasons.",
    "problem_text": "Your note is too long (at most 1000 characters).",
    "problem_confirm": "Please tick the box to confirm that you want no more messages.",
    "problem_server": "Something went wrong on our side. Please try again in a minute.",
    "language": "中文",
}

ZH: dict[str, str] = {
    "title": "您的 AI 面试",
    "company": "公司",
    "position": "职位",
    "status": "状态",
    "deadline": "截止时间",
    "start": "开始面试",
    "reason_title": "无法参加？告诉我们原因",
    "reason_label": "原因",
    "reason_text": "补充说明（选填）",
    "reason_send": "提交原因",
    "reason_given": "您已告知：{reason}",
    "extension_title": "需要更多时间？",
    "extension_help": "申请延期。第一次申请会立即通过，之后由招聘方决定。",
    "extension_send": "申请延期",
    "extension_pending": "您已申请延期，招聘方会尽快决定。",
    "opt_out_title": "不再接收消息",
    "opt_out_help": "我们将不再向您发送该公司的任何面试消息。",
    "opt_out_confirm": "是的，不要再给我发消息",
    "opt_out_send": "退订消息",
    "done_title": "已完成",
    "done_reason": "谢谢，已记录您的原因：{reason}。",
    "done_approved": "延期已通过，您可以在 {deadline} 前完成面试。",
    "done_queued_for_hr": "您的延期申请已提交给招聘方，由其决定。",
    "done_not_allowed": "该面试已无法再延期。",
    "done_opted_out": "您将不再收到该公司的面试消息。",
    "back": "返回邀请",
    "problem_title": "链接无法使用",
    "problem_expired": "链接已过期。如仍需帮助，请联系招聘方。",
    "problem_invalid": "链接无效，请使用最新消息中的链接。",
    "problem_gone": "该邀请已不存在。",
    "input_title": "请检查您的填写",
    "problem_input": "表单内容有误，请返回重试。",
    "problem_reason": "请选择一个原因。",
    "problem_text": "补充说明过长（最多 1000 字）。",
    "problem_confirm": "请勾选确认框，确认不再接收消息。",
    "problem_server": "我们这边出了点问题，请稍后再试。",
    "language": "English",
}

TEXT: dict[str, dict[str, str]] = {"en": EN, "zh-CN": ZH}

REASONS: dict[str, dict[str, str]] = {
    "en": {"schedule_conflict": "The time does not suit me",
           "technical_problem": "A technical problem",
           "did_not_see_message": "I did not see the message in time",
           "not_interested": "I am no longer interested",
           "accepted_other_offer": "I accepted another offer",
           "other": "Another reason"},
    "zh-CN": {"schedule_conflict": "时间冲突",
              "technical_problem": "技术问题",
              "did_not_see_message": "没有及时看到消息",
              "not_interested": "不再感兴趣",
              "accepted_other_offer": "已接受其他工作机会",
              "other": "其他原因"},
}

STATUSES: dict[str, dict[str, str]] = {
    "en": {"invited": "Invited", "sent": "Waiting for you", "opened": "Waiting for you",
           "started": "In progress", "completed": "Completed", "no_show": "Missed",
           "completed_late": "Completed (late)", "closed": "Closed", "cancelled": "Cancelled"},
    "zh-CN": {"invited": "已邀请", "sent": "待完成", "opened": "待完成", "started": "进行中",
              "completed": "已完成", "no_show": "已错过", "completed_late": "已完成（逾期）",
              "closed": "已关闭", "cancelled": "已取消"},
}

#: the error codes of the self-service routes -> the sentence the page shows
PROBLEMS = {"expired_token": "problem_expired", "invalid_token": "problem_invalid",
            "wrong_purpose": "problem_invalid", "short_link_not_found": "problem_invalid",
            "invitation_not_found": "problem_gone", "opt_out_not_confirmed": "problem_confirm",
            "internal_error": "problem_server"}
