"""The site's Jinja2 environment: its escaping gives what markupsafe's `escape` gives, and its templates use
it; their globals are those of the environment when they are loaded."""

from __future__ import annotations

import markupsafe
import pytest
from markupsafe import Markup


class Shown:
    """An object with its own HTML (`__html__`), as markupsafe allows."""

    def __html__(self) -> str:
        return "<em>as it is</em>"


class Text(str):
    """A string of a class of its own, not Markup."""


# (value, the text markupsafe's escape gives for it, written out by hand from its rules)
CASES = [
    ("plain words", "plain words"),
    ("", ""),
    ("Fernández & Cossio", "Fernández &amp; Cossio"),
    ("<script>alert('x')</script>", "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"),
    ('a "quoted" title', "a &#34;quoted&#34; title"),
    ("&amp; already escaped once", "&amp;amp; already escaped once"),
    (Markup("<a href=\"x\">a link</a>"), "<a href=\"x\">a link</a>"),
    (Markup(""), ""),
    (Shown(), "<em>as it is</em>"),
    (Text("<b> & co"), "&lt;b&gt; &amp; co"),
    (16531, "16531"),
    (-3, "-3"),
    (0, "0"),
    (0.5, "0.5"),
    (None, "None"),
    (True, "True"),
]


@pytest.mark.parametrize("value, text", CASES, ids=[repr(v)[:40] for v, _ in CASES])
def test_escaped_is_markupsafe_escape(value, text):
    from cubakg.site.templating import escaped

    result = escaped(value)
    assert type(result) is Markup and result == text
    assert markupsafe.escape(value) == text  # the expectation is markupsafe's own


def test_plain_strings_are_escaped_by_markupsafe_in_c():
    """MarkupSafe 3 (pyproject.toml) has the escaping of a plain string `escaped` calls: without
    it `escaped` still gives the same text, by way of `markupsafe.escape`, only slower."""
    from cubakg.site import templating

    assert templating._escape_text is not None
    assert templating._escape_text("<a & b>") == "&lt;a &amp; b&gt;"


def test_markup_is_returned_as_it_is_and_never_escaped_twice():
    from cubakg.site.templating import escaped

    link = Markup("<a>x</a>")
    assert escaped(link) is link
    assert escaped(escaped("<b>")) == "&lt;b&gt;"


def test_the_site_templates_escape_with_it():
    """Every template's output goes through `environment.escaped`: none is compiled to Jinja2's own
    `escape(…)` (which would mean the code generator's hook had moved), and values are escaped."""
    from cubakg.site.render import environment

    env = environment()
    for name in env.list_templates(extensions=["j2"]):
        source = env.compile(env.loader.get_source(env, name)[0], name, raw=True)
        assert " escape(" not in source and "(escape(" not in source, name
    assert "environment.escaped(" in env.compile(env.loader.get_source(env, "resource.html.j2")[0], raw=True)
    rendered = env.from_string("<p title=\"{{ t }}\">{{ t }}{{ m }}</p>").render(t="\"<x>\" & 'y'", m=Markup("<br>"))
    assert rendered == "<p title=\"&#34;&lt;x&gt;&#34; &amp; &#39;y&#39;\">&#34;&lt;x&gt;&#34; &amp; &#39;y&#39;<br></p>"


def test_a_template_has_the_globals_set_before_it_was_loaded_and_its_own():
    """Globals are copied when a template is loaded (`SiteEnvironment.make_globals`): the site sets
    them first; a template's own globals overlay them."""
    from jinja2 import DictLoader
    from cubakg.site.templating import SiteEnvironment

    env = SiteEnvironment(loader=DictLoader({"page.html": "{{ site }} {{ here }}"}), autoescape=True)
    env.globals["site"] = "cubakg"
    page = env.get_template("page.html", globals={"here": "<home>"})
    assert type(page.globals) is dict
    assert page.render() == "cubakg &lt;home&gt;"
    assert page.render(site="another") == "another &lt;home&gt;"
