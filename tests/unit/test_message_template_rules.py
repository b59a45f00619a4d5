"""The rules a tenant's template is held to, and the sandbox that renders it."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from chalicelib.delivery.adapters.message_templates import shipped
from chalicelib.delivery.domain.message_templates import (
    KINDS,
    LOCALES,
    PARTS,
    check,
    environment,
    render,
    sample_context,
)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("locale", LOCALES)
def test_every_shipped_template_passes_the_rules(kind: str, locale: str) -> None:
    for part in PARTS:
        assert check(part, shipped(kind, locale, part)) == [], (kind, locale, part)


def test_problems_carry_codes_and_lines() -> None:
    problems = check("sms", "{{ interview_url }} {{ short_url }}\n{{ nope }}")
    assert [(p.code, p.line) for p in problems] == [("unknown_variable", 2)]
    assert check("subject", "{% if name %}x")[0].code == "template_syntax"
    assert check("txt", "{{ short_url }} {{ interview_url }} {{ self_service_url }}")[0].code \
        == "unknown_variable"  # no short link in an email
    assert {p.code for p in check("html", "{{ name }}")} == {"missing_link"}
    assert check("subject", " ")[0].code == "template_empty"
    assert check("subject", "x" * 301)[0].code == "template_too_long"


@pytest.mark.parametrize("source", [
    "{% for i in range(100000) %}{{ i }}{% endfor %}", "{{ name * 1000000 }}",
    "{{ name.upper() }}", "{{ name.__class__ }}", "{% set x = 1 %}", "{{ lipsum() }}",
    "{% include 'x' %}", "{% macro m() %}{% endmacro %}", "{{ name[0] }}",
])
def test_loops_calls_attributes_and_arithmetic_are_refused(source: str) -> None:
    codes = {p.code for p in check("subject", source)}
    assert codes & {"template_unsupported", "unknown_variable"}, (source, codes)


def test_deep_nesting_is_refused_not_a_stack_overflow() -> None:
    # Jinja's parser recursed past Python's limit (RecursionError, a 500) before this check
    deep = "{{ " + "(" * 4000 + "name" + ")" * 4000 + " }}"
    assert check("txt", deep)[0].code == "template_too_complex"
    ifs = "{% if name %}" * 100 + "x" + "{% endif %}" * 100
    assert check("txt", ifs)[0].code == "template_too_complex"


def test_the_sandbox_escapes_html_and_blocks_internals() -> None:
    context = {**sample_context("en", "Acme"), "name": "<script>x</script>"}
    assert "&lt;script&gt;" in render("html", "<p>{{ name }}</p>", context)
    assert render("txt", "{{ name }}", context) == "<script>x</script>"
    assert render("subject", "a\n  {{ company|upper }}\n", context) == "a ACME"
    with pytest.raises(SecurityError):  # the second wall, should the rules miss something
        environment(False).from_string("{{ name.__class__.__mro__ }}").render(name="x")


def test_a_version_is_compiled_once_not_per_message() -> None:
    # every message compiled its template again before (3.8 ms against 55 us a render)
    from chalicelib.delivery.domain.message_templates import _compiled

    context = sample_context("en", "Acme")
    source = "Once {{ name }} " + "x" * 7
    render("subject", source, context)
    hits = _compiled.cache_info().hits
    render("subject", source, context)
    assert _compiled.cache_info().hits == hits + 1
