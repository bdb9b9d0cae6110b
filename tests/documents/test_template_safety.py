"""User-authored templates cannot read files, reach the network, touch Python internals or run unbounded.

Each case renders through the same function the worker uses (documents/templating.render_text) and is
refused by the same check the admin runs on save (template_problems) where it can be seen statically.
"""

import time

import pytest

from documents.templating import MAX_OUTPUT, NOT_AVAILABLE_TEXT, render_text, template_problems


def _refused(source: str, context=None) -> str:
    text, error = render_text(source, context or {})
    assert text == NOT_AVAILABLE_TEXT, text
    assert error
    return error


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ company.__class__ }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ self._TemplateReference__context }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ range.__self__ }}",
    ],
)
def test_python_internals_are_out_of_reach(source):
    text, error = render_text(source, {"company": "Acme"})
    assert "class" not in text and "uid=" not in text and "module" not in text
    assert text in ("", NOT_AVAILABLE_TEXT)


@pytest.mark.parametrize(
    "source, problem",
    [
        ("{% include '/etc/passwd' %}", "Templates may not use includes."),
        ("{% import 'os' as os %}", "Templates may not use imports."),
        ("{% extends 'base.html' %}", "Templates may not use extends."),
        ("{% from 'x' import y %}", "Templates may not use imports."),
    ],
)
def test_no_file_is_read(source, problem):
    assert template_problems(source) == [problem]
    assert _refused(source) == problem


def test_no_network_or_module_is_reachable():
    # No global but a bounded range: no lipsum, cycler, joiner, namespace, url helpers or imports.
    for name in ("lipsum", "cycler", "joiner", "namespace", "urlopen", "__import__", "open"):
        text, _ = render_text("{{ " + name + " }}", {})
        assert text == ""
    _refused("{{ url('http://example.com')|length }}")


def test_method_calls_are_refused_so_nothing_can_allocate_without_bounds():
    assert "not safely callable" in _refused("{{ 'a'.ljust(1000000000) }}")
    assert "not safely callable" in _refused("{{ company.upper() }}", {"company": "acme"})
    text, error = render_text("{% for k, v in m.items() %}{{ k }}={{ v }} {% endfor %}", {"m": {"a": 1}})
    assert (text, error) == ("a=1", None)  # a mapping's items, keys and values are the exception


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'x' * 100000000 }}",
        "{{ [1] * 100000000 }}",
        "{{ 9 ** 999999 }}",
        "{{ '%0999999999d' % 1 }}",
        "{% for i in range(100000000) %}x{% endfor %}",
        "{% for i in range(200) %}{% for j in range(200) %}{% for k in range(200) %}x"
        "{% endfor %}{% endfor %}{% endfor %}",
        "{% macro f() %}{{ f() }}{{ f() }}{% endmacro %}{{ f() }}",
        "{% for i in range(200) %}{% for j in range(200) %}{{ 'abcdefghij' }}{% endfor %}{% endfor %}",
    ],
)
def test_nothing_runs_unbounded(source):
    started = time.monotonic()
    _refused(source)
    assert time.monotonic() - started < 2


def test_output_is_cut_and_text_is_never_markup():
    error = _refused(
        "{% for i in range(200) %}{% for j in range(200) %}{{ 'abcdefghij' }}{% endfor %}{% endfor %}"
    )
    assert f"{MAX_OUTPUT:,}" in error
    text, _ = render_text("{{ company }}", {"company": "<script>alert(1)</script>"})
    assert text == "<script>alert(1)</script>"  # plain text here; both renderers escape it (test_blocks)


def test_syntax_errors_name_their_line():
    assert template_problems("Fine\n{% if x %}\nno end") == [
        "Line 2: Unexpected end of template. Jinja was looking for the following tags: 'elif' or 'else' or "
        "'endif'. The innermost block that needs to be closed is 'if'."
    ]
    assert template_problems("{{ x|nofilter }}") == ["There is no filter “nofilter”."]
    assert template_problems("{{ x is nosuchtest }}", ["x"]) == ["Line 1: No test named 'nosuchtest'."]


def test_the_formatting_filters():
    context = {"n": 1250000, "p": 15.4, "d": "2025-03-14", "items": ["A", "B", "C"], "none": None}
    source = (
        "{{ n|money }} {{ n|money('€') }} {{ p|percent }} {{ d|date }} {{ items|list }} {{ 9|out_of(10) }}"
    )
    assert render_text(source, context) == (
        "US$1,250,000 €1,250,000 15% 14 March 2025 A, B and C 9 out of 10",
        None,
    )
    assert render_text("{{ none|money }} / {{ none }}", context) == ("not available / not available", None)


def test_user_text_is_escaped_in_the_pdfs_blocks_and_the_provenance():
    from django.template.loader import render_to_string

    from documents.blocks import Block
    from documents.recommendations import Included

    hostile = "<script>alert(1)</script> & <b>"
    item = Included(
        key="k",
        title=hostile,
        priority=1,
        impact="HIGH",
        effort="LOW",
        timeframe="NOW",
        owner=hostile,
        finding=hostile,
        rationale=hostile,
        risk=hostile,
        evidence=((hostile, hostile),),
    )
    for block in (
        Block("text", paragraphs=(hostile,)),
        Block("table", title=hostile, columns=(hostile, "b"), rows=((hostile, hostile),)),
        Block("findings", items=(item,)),
        Block("recommendations", items=(item,)),
        Block("risks", items=(item,)),
        Block("roadmap", items=(item,)),
    ):
        html = render_to_string("documents/pdf/_block.html", {"block": block, "figures": {}})
        assert "<script>" not in html and "<b>" not in html and "&lt;script&gt;" in html
    provenance = [
        {
            "block": 1,
            "kind": "text",
            "title": hostile,
            "template": "t",
            "condition": hostile,
            "questions": [{"key": "k", "question": hostile, "answer": hostile}],
            "errors": [hostile],
        }
    ]
    html = render_to_string("documents/_provenance.html", {"provenance": provenance})
    assert "<script>" not in html and "&lt;script&gt;" in html
