"""No page in Spanish shows a raw code or an English word the catalogue translates.

Every GET page of the portal (the same list as the browser guardrails: URL patterns filled from
the fixture world of tests/browser/world.py) is rendered in Spanish for each role that can see
it, and its visible text (including the names assistive technology reads: aria-label, title,
alt, placeholder) is checked against

- the raw values of every choice field of our models ("open", "submitted", "yes_no"...) and
  every audit action code ("application.submit"), which must never reach a reader;
- the English msgids of the Spanish catalogue (locale/es and the catalogues of Django and
  allauth as loaded) whose translation differs: if the English shows, a string missed its
  translation tag or its context.

Text marked as another language (`lang` attribute), code samples and proper names are left out.
New strings get their Spanish in the lead's translation pass; until then they are not in the
catalogue and so not checked here.
"""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import trans_real

from calls.models import Call
from coalition.audit import registered_actions
from tests.browser.pages import EXCLUDED, portal_routes, url_of
from tests.browser.world import ROLES, build_world, session_for
from tests.factories import CallFactory, ChapterStaffFactory, enable_totp

pytestmark = pytest.mark.django_db

OUR_APPS = ("coalition", "municipalities", "calls", "review", "projects")
# Proper names and words that are the same in both languages but translated by some catalogue.
ALLOWED = {"CIAR", "CIIAR", "GovTech", "GovTech Connect", "BID Lab", "Email", "Online", "Web"}
# English msgids that are also Spanish words ("Mayor población": larger population).
ALLOWED |= {"Mayor", "Final", "General", "Total", "Plan", "Error"}
SKIPPED_ELEMENTS = {"script", "style", "template", "code", "pre", "kbd", "samp", "noscript"}
READ_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder", "aria-description")
SEPARATORS = re.compile('[·()\\[\\]:;,\u2014\u2013→|/"“”«»]|\\s-\\s')
VOID = {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class VisibleText(HTMLParser):
    """The text a Spanish reader sees or hears, without code and other-language parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is its content skipped?
        self.parts: list[str] = []

    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs) -> None:
        attributes = dict(attrs)
        lang = (attributes.get("lang") or "").lower()
        skip = (
            self.skipping()
            or tag in SKIPPED_ELEMENTS
            or (tag != "html" and lang and not lang.startswith("es"))
            or attributes.get("translate") == "no"
            # API documentation lists the codes on purpose ("member: miembro").
            or "data-shows-codes" in attributes
        )
        if not skip:
            self.parts.extend(attributes[a] for a in READ_ATTRIBUTES if attributes.get(a))
        if tag not in VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs) -> None:
        if not self.skipping():
            attributes = dict(attrs)
            self.parts.extend(attributes[a] for a in READ_ATTRIBUTES if attributes.get(a))

    def handle_endtag(self, tag) -> None:
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data) -> None:
        if not self.skipping():
            self.parts.append(data)

    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))

    def segments(self) -> set[str]:
        """Short pieces of text between punctuation: where a raw value shows by itself
        ("Publicada · open", "Borrador → submitted", "Review 11 (draft)")."""
        pieces = set()
        for part in self.parts:
            for piece in SEPARATORS.split(part):
                pieces.add(piece.strip())
        return pieces


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return parser.text()


def raw_values_shown(html: str, codes) -> list[str]:
    """Raw values standing alone between punctuation, and code-like values (with "." or
    "_") anywhere. An English word inside an English sentence is the msgid check's business:
    it goes once the sentence is translated."""
    parser = VisibleText()
    parser.feed(html)
    pieces = parser.segments()
    text = parser.text()
    alone = [code for code in codes if code in pieces]
    code_like = [code for code in codes if re.search(r"[._]", code)]
    return sorted(set(alone) | set(find_words(code_like, text)))


def raw_codes() -> dict[str, str]:
    """Raw choice values of our models (whose Spanish label differs) and audit action codes,
    each with where it comes from."""
    codes: dict[str, str] = {}
    with translation.override("es"):
        for model in apps.get_models():
            if model._meta.app_label not in OUR_APPS:
                continue
            # Field choices, and choice classes that no field uses (Call.Phase).
            sources = [
                (f"{model._meta.label}.{field.name}", getattr(field, "flatchoices", None) or [])
                for field in model._meta.get_fields()
            ] + [
                (f"{model._meta.label}.{name}", kind.choices)
                for name, kind in vars(model).items()
                if isinstance(kind, type) and issubclass(kind, models.Choices)
            ]
            for source, choices in sources:
                for value, label in choices:
                    readable = isinstance(value, str) and len(value) >= 3
                    if readable and str(label) != value and re.search(r"[a-z]", value):
                        codes.setdefault(value, source)
    for action in registered_actions():
        codes[action] = "audit action"
    return codes


def english_msgids() -> set[str]:
    """Short English msgids of the Spanish catalogue whose Spanish differs: words and phrases
    (up to five words, no placeholders) that would show if a translation went missing."""
    catalog = trans_real.translation("es")._catalog
    found = set()
    for key, spanish in catalog.items():
        if not isinstance(key, str) or not key or "\x04" in key:
            continue
        if key == spanish or key in ALLOWED:
            continue
        if re.fullmatch(r"[A-Z][a-z]+(?: [a-z]+){0,4}", key) and len(key) >= 4:
            found.add(key)
    return found


def find_words(words, text: str) -> list[str]:
    return [w for w in words if re.search(rf"(?<![\w.-]){re.escape(w)}(?![\w-])", text)]


def context(word: str, text: str) -> str:
    """The words around the first occurrence, to find it in the template."""
    match = re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text)
    return text[max(0, match.start() - 40) : match.end() + 40].strip() if match else ""


def test_visible_text_skips_code_and_other_languages():
    html = (
        '<html lang="es"><body><p>Estado: <code>open</code></p>'
        '<p lang="en">Submitted</p><img alt="Abierta" src="x"><p title="draft">Hola</p>'
        "<script>var open = 1;</script></body></html>"
    )
    text = visible_text(html)
    assert "open" not in text and "Submitted" not in text
    assert "Abierta" in text and "draft" in text and "Hola" in text
    assert find_words(["draft"], text) == ["draft"]
    assert find_words(["open"], "datos abiertos; opened; open-data") == []
    codes = {"open": "", "submitted": "", "application.submit": ""}
    assert raw_values_shown("<p>Publicada · open</p><p>Borrador → submitted</p>", codes) == [
        "open",
        "submitted",
    ]
    assert raw_values_shown("<p>once you have submitted your review</p>", codes) == []
    assert raw_values_shown("<td>Camila application.submit x</td>", codes) == ["application.submit"]


def test_no_spanish_page_shows_a_raw_code_or_an_untranslated_word():
    world = build_world()
    sessions = {role: session_for(user) for role, user in world.users.items() if user}
    codes = raw_codes()
    msgids = english_msgids()
    assert "open" in codes and "application.submit" in codes  # the check checks something
    problems: dict[str, set[str]] = {}
    pages = 0
    for route in portal_routes():
        if route.name in EXCLUDED:
            continue
        url = url_of(route, world)
        for role in ROLES:
            client = Client()
            if role in sessions:
                client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
            response = client.get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            pages += 1
            html = response.content.decode()
            text = visible_text(html)
            found = [
                f"raw value {code!r} ({codes[code]}) in “…{context(code, text)}…”"
                for code in raw_values_shown(html, codes)
            ]
            found += [
                f"English {word!r} in “…{context(word, text)}…”"
                for word in find_words(msgids, text)
            ]
            for problem in found:
                problems.setdefault(problem, set()).add(f"{url} ({role})")
    assert pages > 40
    assert not problems, (
        f"{len(problems)} problems on {pages} pages. An English word from a string added since "
        "the last translation pass goes away with that pass (make messages, translate "
        "locale/es); a raw value needs its label (get_FOO_display, .label, a pgettext context):\n"
    ) + "\n".join(
        f"{problem} on {', '.join(sorted(where)[:4])}"
        for problem, where in sorted(problems.items())
    )


def test_phase_types_and_slug_read_as_words():
    """The raw values the issue found: the call phase ("Publicada · open"), the open data
    types ("string or null") and the "Slug" label."""
    seat = ChapterStaffFactory(user__language="en")
    staff = seat.user
    enable_totp(staff)
    now = timezone.now()
    CallFactory(
        chapter=seat.chapter,
        status=Call.Status.PUBLISHED,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session_for(staff)

    calls = visible_text(client.get(reverse("staff_call_list")).content.decode())
    assert "Published · Open" in calls and "· open" not in calls
    call_form = visible_text(client.get(reverse("staff_call_create")).content.decode())
    assert "Address of the call page" in call_form and "Slug" not in call_form
    open_data = visible_text(client.get(reverse("open_data")).content.decode())
    assert "whole number, may be empty" in open_data
    assert "or null" not in open_data and "string" not in open_data
