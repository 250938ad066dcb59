"""An OWASP-style XSS corpus through the real pipeline and the HTML export, rendered in headless Chromium.

Each payload sits right next to a real place name (so it lands in highlighted mentions, popup quotes and
tooltips), in the title, and in the fields an online geocoder could fill (place name, id, admin1). The page
is opened from file:// with every other request aborted. Nothing may run (no dialog, no ``window.__xss``)
and no element may be injected: the page holds exactly as many script/img/svg/iframe/… elements as the
export of the same article with the payloads replaced by plain words, and no element carries an ``on*``
attribute or a ``javascript:`` URL.
"""

from __future__ import annotations

import html
import re

import jinja2
import pytest

from geo.maps import export
from geo.parse.model import Article
from geo.parse.passages import split_passages
from geo.pipeline import parse_article
from tests.offline_page import OfflineExport

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">more</a>",
    "\"><script>alert(1)</script>",
    "'><img src=x onerror=alert(1)>",
    "`-alert(1)-`",
    "${alert(1)}",
    "`;alert(1);`",
    "</script><script>alert(1)</script>",
    "</textarea></title></style><script>alert(1)</script>",
    "&#x3C;script&#x3E;alert(1)&#x3C;/script&#x3E;",
    "&lt;img src=x onerror=alert(1)&gt;",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "\\x3cimg src=x onerror=alert(1)\\x3e",
    "<IMG SRC=JaVaScRiPt:alert(1)>",
    "<img \"\"\"><script>alert(1)</script>\">",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<style>@import 'javascript:alert(1)';</style>",
    "<marquee onstart=alert(1)>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "javascript:alert(1)",
    "\";alert(1);//",
    "';alert(1);//",
    "\u2028alert(1)\u2029",
    "\" onmouseover=\"alert(1)",
    "' onfocus='alert(1)' autofocus '",
]
# A place name inside an attribute or a tag, as an attacker would place it.
NAME_IN_MARKUP = [
    "<a title=\"{name}\" onmouseover=alert(1)>{name}</a>",
    "<img alt=\"{name}\" src=x onerror=alert(1)>",
    "<div data-x=\"{name}`onclick=alert(1)\">",
    "<svg><title>{name}</title><script>alert(1)</script></svg>",
]
PLACES = ["Kyiv", "Paris", "Berlin", "Tokyo", "Nairobi", "Lima", "Cairo", "Ottawa", "Canberra", "Hanoi"]
DANGEROUS_TAGS = ["script", "img", "svg", "iframe", "object", "embed", "style", "link", "meta", "base", "form",
                  "input", "textarea", "video", "audio", "source", "marquee", "math", "details", "body",
                  "noscript", "template", "frame", "frameset", "button", "select", "option", "title"]


def article_with(payloads: list[str], title: str) -> Article:
    """One paragraph per payload, each payload glued to a place name on both sides."""
    paragraphs = []
    for i, bad in enumerate(payloads):
        name = PLACES[i % len(PLACES)]
        other = PLACES[(i + 3) % len(PLACES)]
        paragraphs.append(f"Officials in {name}{bad} met envoys from {other} ({bad}) and {bad}{other}.")
    for i, template in enumerate(NAME_IN_MARKUP):
        paragraphs.append("Reports: " + template.format(name=PLACES[i]))
    text = "\n\n".join(paragraphs)
    return Article(text=text, passages=split_passages(text), title=title)


def hostile_document(payloads: list[str]):
    doc = parse_article(article_with(payloads, title="Kyiv " + " ".join(payloads)))
    # Fields an online geocoder fills from its answer: just as untrusted as the article.
    first = doc.places[0]
    first.name = first.name + payloads[0] + payloads[1]
    first.id = "nominatim:" + payloads[13]
    first.admin1 = payloads[11]
    if len(doc.places) > 1:
        doc.places[1].name = payloads[10] + doc.places[1].name + payloads[6]
    return doc


def neutral_document(payloads: list[str]):
    """The same article with every payload replaced by a plain word: the baseline structure."""
    return hostile_document(["plain"] * len(payloads))


class Rendered(OfflineExport):
    """An exported page opened offline, with dialogs, errors and outside requests recorded."""

    def __init__(self, browser, path):
        super().__init__(browser, path, settle_ms=0)

    def open_every_popup_and_tooltip(self) -> int:
        """Open each pin's popup in turn (through the page's own registry) and each tooltip."""
        keys = self.page.evaluate("Object.keys(geoMap.markers)")
        for key in keys:
            self.page.wait_for_timeout(350)  # let the previous popup finish its pan animation
            self.page.evaluate(f"geoMap.show({key!r})")
            self.page.locator(".leaflet-popup .geo-popup").last.wait_for()
        for icon in self.page.locator(".geo-pin-icon").all():
            icon.dispatch_event("mouseover")
        self.page.locator(".geo-mention").first.dispatch_event("click")
        self.page.wait_for_timeout(800)
        return len(keys)

    def census(self) -> dict[str, int]:
        return self.page.evaluate(
            "tags => Object.fromEntries(tags.map(t => [t, document.getElementsByTagName(t).length]))",
            DANGEROUS_TAGS,
        )

    def stray_links(self) -> list[str]:
        """Links that are not the page's own: passage links (#p…) in popups, Leaflet's controls, the attribution."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('a')].filter(a =>
                 !(a.classList.contains('geo-goto') && /^#p\\d+$/.test(a.getAttribute('href')))
                 && !a.closest('.leaflet-control') && !a.closest('.leaflet-popup-close-button')
                 && !a.classList.contains('leaflet-popup-close-button')).map(a => a.outerHTML.slice(0, 80))"""
        )

    def inline_handlers(self) -> list[str]:
        return self.page.evaluate(
            """() => [...document.querySelectorAll('*')].flatMap(el => [...el.attributes]
                 .filter(a => /^on/i.test(a.name) || /^\\s*(java|vb)script:/i.test(a.value)
                              || /^\\s*data:text\\/html/i.test(a.value))
                 .map(a => el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60)))"""
        )

    def close(self):
        self.context.close()


def squash(text: str) -> str:
    """Whitespace collapsed (U+2028/U+2029 render as line breaks)."""
    return " ".join(text.split())


def render(browser, doc, path):
    view = Rendered(browser, export.write_export(doc, path))
    view.open_every_popup_and_tooltip()
    return view


def test_payloads_reach_the_document_unchanged():
    """The corpus is really in the article text, title, mentions and geocoder fields (else the test proves nothing)."""
    doc = hostile_document(PAYLOADS)
    for bad in PAYLOADS:
        assert bad in doc.article.text and bad in doc.article.title
    quoted = {m.passage for p in doc.places for m in p.mentions}
    assert len(quoted) >= len(PAYLOADS) // 2, "too few payload passages are quoted in popups"
    assert PAYLOADS[13] in doc.places[0].id


def test_export_html_escapes_the_corpus_in_the_source():
    page = export.export_html(hostile_document(PAYLOADS))
    for active in ["<script>alert(1)", "<img src=x", "<svg onload", "<svg/onload", "<iframe", "<details open",
                   "<input autofocus", "<video>", "${alert(1)}", "`-alert(1)-`", "<marquee", "<object data",
                   "<embed src", "<base href", "<meta http-equiv=\"refresh", "<body onload", "<math>",
                   "<a href=\"javascript", "<a title="]:
        assert active not in page, f"{active!r} reached the page unescaped"
    # No </script> of the article closes an inline script early: the page keeps only its own closers.
    assert page.count("</script>") == export.export_html(neutral_document(PAYLOADS)).count("</script>")


def test_corpus_in_the_browser_runs_nothing_and_injects_nothing(browser, tmp_path):
    base = render(browser, neutral_document(PAYLOADS), tmp_path / "plain.html")
    try:
        baseline = base.census()
        assert base.inline_handlers() == [] and base.stray_links() == []
    finally:
        base.close()
    view = render(browser, hostile_document(PAYLOADS), tmp_path / "hostile.html")
    try:
        page = view.page
        assert view.dialogs == []
        assert page.evaluate("window.__xss === undefined")
        assert view.blocked == [], f"the page tried to load {view.blocked[:3]}"
        assert view.inline_handlers() == []
        assert view.census() == baseline
        assert view.stray_links() == []
        title = squash(page.locator("#geo-title").inner_text())
        panel = squash(page.locator(".geo-panel").inner_text())
        for bad in PAYLOADS:
            assert squash(bad) in title and squash(bad) in panel, f"{bad!r} not shown as text"
        popups = page.locator(".leaflet-popup .geo-popup").all_inner_texts()
        assert any("<script>alert(1)</script>" in t for t in popups)
        assert view.errors == []
    finally:
        view.close()


@pytest.mark.parametrize("bad", [PAYLOADS[i] for i in (0, 1, 3, 8, 10, 11, 13, 15, 40)], ids=lambda s: re.sub(r"\W+", "_", s)[:24])
def test_each_payload_alone_in_title_and_next_to_a_name(browser, tmp_path, bad):
    """One payload per page: a payload that only works alone (no neighbour to break it) is caught too."""
    doc = hostile_document([bad] * 14)  # every slot hostile_document uses holds this one payload
    view = render(browser, doc, tmp_path / "one.html")
    try:
        assert view.dialogs == [] and view.page.evaluate("window.__xss === undefined")
        assert view.inline_handlers() == []
        assert view.page.locator(".geo-panel svg, .geo-panel img, .geo-panel script, .leaflet-popup-content img, "
                                 ".leaflet-popup-content svg, .leaflet-popup-content script").count() == 0
        assert squash(bad) in squash(view.page.locator("#geo-title").inner_text())
    finally:
        view.close()


# ---------------------------------------------------------------------------------- template injection

# folium/branca compile rendered popups and tooltips as Jinja templates a second time; these tests
# keep '{{ ... }}' in article text or place names from being evaluated at export time.


def article_doc(text: str):
    return parse_article(Article(text=text, passages=split_passages(text), title="Jinja test"))


def test_jinja_expression_in_article_text_is_shown_not_evaluated():
    page = html.unescape(export.export_html(article_doc("Talks in Kyiv {{ 7*7 }} ended.\n\nLater in Kyiv again.")))
    page = re.sub(r"<[^>]+>", "", page.replace("\\u007b", "{"))  # JSON spells a Jinja-opening brace \u007b
    assert "Kyiv 49 ended" not in page
    assert page.count("Kyiv {{ 7*7 }} ended") >= 2  # the article panel and the popup quote


def test_jinja_cannot_read_the_environment_into_the_export(monkeypatch):
    monkeypatch.setenv("GEO_SSTI_PROBE", "ssti-probe-3f9a1c")
    doc = article_doc("Talks in Kyiv {{ lipsum.__globals__.os.environ.GEO_SSTI_PROBE }} ended.")
    assert "ssti-probe-3f9a1c" not in export.export_html(doc)


@pytest.mark.parametrize("text", ["Talks in Kyiv {{ a.b( }} ended.", "Talks in Kyiv {% if %} ended.",
                                  "Talks in Kyiv {{constructor.constructor('alert(1)')()}} ended.",
                                  "Talks in Kyiv {# never closed ended."])
def test_jinja_syntax_in_article_text_does_not_break_the_export(text):
    try:
        page = export.export_html(article_doc(text))
    except jinja2.TemplateError as exc:
        pytest.fail(f"export crashed on article text: {exc.__class__.__name__}: {exc}")
    assert "Kyiv" in page


def test_jinja_in_a_geocoder_place_name_is_not_evaluated():
    doc = article_doc("Talks in Kyiv ended.")
    doc.places[0].name = "Kyiv {{ 6*7 }}"
    assert "Kyiv 42" not in html.unescape(export.export_html(doc))
