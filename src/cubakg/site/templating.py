"""The Jinja2 environment of the site's templates: Jinja2's own, less two costs of every page.

Escaping. Jinja2 passes the value of every `{{ … }}` through markupsafe's `escape`, which
copies a value that is already Markup (a link, a quote or a card rendered once and shown on
many pages) into a new Markup, and makes each escaped string a Markup through Python code.
At 1,000 articles the site escapes about 5 million values: `escaped` gives the same text,
with Markup returned as it is and a plain string made Markup without a second call (about
2 CPU-seconds less). It is hooked in the way Jinja2's own `NativeEnvironment` changes what
a template compiles to: by the code generator.

Globals. Each template's globals are a plain dict made when it is loaded, not Jinja2's
ChainMap over the environment's: every page's context starts as a copy of them, and copying
a ChainMap, key by key in Python, took 5 µs of the 7 µs of making a context (about 0.6
CPU-seconds for the 125,000 pages and cards of 1,000 articles). So set the environment's
globals before loading the templates that use them (`render.Site` does).

See docs/publishing.md, Cost.

>>> escaped('Fernández "Cossio" & <b>')
Markup('Fernández &#34;Cossio&#34; &amp; &lt;b&gt;')
"""

from __future__ import annotations

from typing import Any, Mapping

import markupsafe
from jinja2 import Environment
from jinja2.compiler import CodeGenerator
from markupsafe import Markup

# markupsafe's escaping of a plain string, in C (markupsafe ≥ 3.0): where it is missing, `escape` is used.
_escape_text = getattr(markupsafe, "_escape_inner", None)
_as_markup = str.__new__  # Markup's own __new__, for a plain string, less its Python code


def escaped(value: object) -> Markup:
    """`markupsafe.escape(value)`: the same Markup text, with Markup itself returned as it is (it is immutable)."""
    kind = type(value)
    if kind is Markup:
        return value
    if kind is str and _escape_text is not None:
        return _as_markup(Markup, _escape_text(value))
    if kind is int:  # a count or a number in the text's marks: its digits need no escaping
        return _as_markup(Markup, str(value))
    return markupsafe.escape(value)


class _EscapingCodeGenerator(CodeGenerator):
    """Jinja2's code generator, writing `environment.escaped(…)` where it writes `escape(…)`."""

    def _output_child_pre(self, node, frame, finalize) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile:
            self.write("environment.escaped(")
            if finalize.src is not None:
                self.write(finalize.src)
        else:
            super()._output_child_pre(node, frame, finalize)


class SiteEnvironment(Environment):
    """A Jinja2 Environment whose templates escape their output with `escaped`, with their globals in a dict."""

    code_generator_class = _EscapingCodeGenerator
    escaped = staticmethod(escaped)

    def make_globals(self, d: Mapping[str, Any] | None) -> dict[str, Any]:  # type: ignore[override]
        return {**self.globals, **(d or {})}
