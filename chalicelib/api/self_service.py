"""Candidate self-service (no API key: the signed token in the link is the authentication).

Every route answers JSON, and HTML to a browser (api/pages.py): the page, the confirmation of
each form, and a friendly page for a link that does not work. SMS carries `/s/<code>`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint, Response

from chalicelib.api import pages
from chalicelib.api.http import Caller, Query, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container

if TYPE_CHECKING:
    from chalicelib.delivery import schemas
else:
    schemas = schemas_of("chalicelib.delivery.schemas")

bp = Blueprint(__name__)

LANG = Query("lang", "the page's language (en or zh-CN); default: the invitation's")


def _answer(caller: Caller, token: str, result: dict[str, Any]) -> dict[str, Any] | Response:
    if not pages.wants_html(caller.request):
        return result
    return pages.html(container().candidate_page.done(token, result, caller.now,
                                                      caller.param("lang")))


@endpoint(bp, "GET", "/self-service/{token}", summary="The candidate's invitation: status, "
          "deadline, what they can do (an HTML page for browsers)", roles=None,
          response=schemas.SelfServiceView, errors=(401, 404), query=(LANG,), html=True,
          pages=pages.problem_page)
def self_service_view(caller: Caller, token: str) -> dict[str, Any] | Response:
    if pages.wants_html(caller.request):
        return pages.html(container().candidate_page.view(token, caller.now,
                                                          caller.param("lang")))
    result: dict[str, Any] = container().self_service.view(token, caller.now)
    return result


@endpoint(bp, "POST", "/self-service/{token}/reason", summary="Why the candidate missed it",
          roles=None, body=schemas.ReasonIn, response=schemas.SelfServiceResult,
          errors=(400, 401, 404), query=(LANG,), html=True, form=schemas.ReasonIn,
          pages=pages.problem_page)
def self_service_reason(caller: Caller, token: str,
                        body: schemas.ReasonIn) -> dict[str, Any] | Response:
    result = container().self_service.give_reason(token, body.reason, body.text, caller.now)
    return _answer(caller, token, result)


@endpoint(bp, "POST", "/self-service/{token}/extension", summary="Ask for more time "
          "(approved once automatically, then queued for HR)", roles=None,
          response=schemas.SelfServiceResult, errors=(400, 401, 404), query=(LANG,),
          html=True, form=schemas.ExtensionForm, pages=pages.problem_page)
def self_service_extension(caller: Caller, token: str) -> dict[str, Any] | Response:
    return _answer(caller, token, container().self_service.ask_extension(token, caller.now))


@endpoint(bp, "POST", "/self-service/{token}/opt-out", summary="Stop all messages to me "
          "(a form post must tick confirm)", roles=None, response=schemas.SelfServiceResult,
          errors=(400, 401, 404), query=(LANG,), html=True, form=schemas.OptOutForm,
          pages=pages.problem_page)
def self_service_opt_out(caller: Caller, token: str) -> dict[str, Any] | Response:
    return _answer(caller, token, container().self_service.opt_out(token, caller.now))


@endpoint(bp, "GET", "/s/{code}", summary="The short link SMS carries: redirects to the "
          "candidate's page", roles=None, status=302, errors=(404,), html=True,
          pages=pages.problem_page)
def short_link(caller: Caller, code: str) -> Response:
    token = container().self_service.resolve(code, caller.now)
    # relative, so it holds behind any host and stage prefix (/api/s/... -> /api/self-service/)
    return Response("", status_code=302, headers={
        "Location": f"../self-service/{token}", "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer"})
