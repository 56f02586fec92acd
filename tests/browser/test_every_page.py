"""Guardrails on every page: each GET page of the portal, as each role that can see it, in
Spanish (public pages also in English and Portuguese), in Chromium, must have

- no axe-core violation of WCAG 2.2 A and AA (axe evaluated through the DevTools protocol, so
  the page keeps its real content security policy);
- no horizontal scrolling at 320 CSS pixels (WCAG 1.4.10 Reflow);
- no duplicate id, and no error in the browser console (CSP violations included).

The pages come from the URL patterns (`tests/browser/pages.py`) filled with the fixture world
(`tests/browser/world.py`): a new view is visited without editing this file, or the first test
fails and says what to add.
"""

from __future__ import annotations

import os
import re
import time
from collections import defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.browser.conftest import REPORT_CSP_VIOLATIONS, TIMEOUT_MS, ConsoleLog
from tests.browser.pages import EXCLUDED, portal_routes, unfilled, url_of
from tests.browser.world import ROLES, build_world, session_for

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PUBLIC_LANGUAGES = ("en", "pt-br")  # besides Spanish, for pages anonymous visitors see
NARROW = 320
WIDE = {"width": 1280, "height": 900}

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ` +
    v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", "));
}"""
DUPLICATE_IDS = """() => {
  const seen = new Map();
  for (const el of document.querySelectorAll("[id]")) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `#${id} x${n}`);
}"""
# The document's width at a 320 px viewport, and the innermost elements that stick out
# (to name the culprit in the failure message).
OVERFLOW = """(limit) => {
  const width = document.documentElement.scrollWidth;
  if (width <= limit + 1) return null;
  // Content clipped by a scroll container (a wide table in .table-wrap) is not the culprit.
  const clipped = (el) => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const wide = [...document.body.querySelectorAll("*")].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.right > limit + 1 && box.width > 0 && getComputedStyle(el).position !== "fixed"
      && !clipped(el);
  });
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const classes = (el) => typeof el.className === "string" && el.className.trim()
    ? "." + el.className.trim().replace(/\\s+/g, ".") : "";
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + classes(el);
  return `scrollWidth ${width}px; sticking out: ` + innermost.slice(0, 4).map(name).join(", ");
}"""


def test_every_url_pattern_is_visited_or_excluded():
    routes = portal_routes()
    missing = unfilled(routes)
    assert not missing, (
        "These URL patterns take arguments the page guardrails cannot fill. Add a value in "
        "tests/browser/pages.py (BY_NAME or BY_PREFIX, with an object in tests/browser/world.py)"
        " or name them in EXCLUDED with the reason they are not pages:\n"
        + "\n".join(f"  {r.name}: {r.route}" for r in missing)
    )
    stale = set(EXCLUDED) - {r.name for r in routes}
    assert not stale, f"EXCLUDED names URL patterns that no longer exist: {sorted(stale)}"


def who_sees(url: str, sessions: dict[str, str]) -> list[str]:
    """Roles for whom `url` answers an HTML page (Django's test client: fast)."""
    roles = []
    for role in ROLES:
        client = Client()
        if role in sessions:
            client.cookies[settings.SESSION_COOKIE_NAME] = sessions[role]
        response = client.get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            roles.append(role)
    return roles


def plan_visits(world, sessions) -> tuple[dict[tuple[str, str], list[str]], list[str]]:
    visits: dict[tuple[str, str], list[str]] = defaultdict(list)
    problems = []
    # PAGES_ONLY=regex runs the checks on the matching URL names only (while fixing a page).
    only = re.compile(os.environ.get("PAGES_ONLY", ""))
    for route in portal_routes():
        if route.name in EXCLUDED or not only.search(route.name):
            continue
        url = url_of(route, world)
        roles = who_sees(url, sessions)
        if not roles:
            problems.append(
                f"{route.name} ({url}): no role gets an HTML page. Give the fixture world what "
                "the page needs (tests/browser/world.py, pages.py) or name it in EXCLUDED."
            )
        for role in roles:
            visits[(role, "es")].append(url)
        if "anonymous" in roles:
            for language in PUBLIC_LANGUAGES:
                visits[("anonymous", language)].append(url)
    return visits, problems


def check_page(page, url: str, console: ConsoleLog) -> list[str]:
    problems = []
    page.set_viewport_size(WIDE)
    response = page.goto(url, wait_until="load")
    if response is None or response.status != 200:
        return [f"answers {response.status if response else 'nothing'}"]
    page.wait_for_load_state("networkidle")
    problems += page.evaluate(RUN_AXE, WCAG_TAGS)
    problems += [f"duplicate id {d}" for d in page.evaluate(DUPLICATE_IDS)]
    page.set_viewport_size({"width": NARROW, "height": 640})
    overflow = page.evaluate(OVERFLOW, NARROW)
    if overflow:
        problems.append(f"scrolls sideways at {NARROW} px: {overflow}")
    problems += console.errors
    console.errors.clear()
    return problems


def test_every_page_passes_the_guardrails(browser, live_server, transactional_db):
    started = time.monotonic()
    world = build_world()
    sessions = {role: session_for(user) for role, user in world.users.items() if user}
    visits, problems = plan_visits(world, sessions)
    planned = time.monotonic()

    count = 0
    for (role, language), urls in visits.items():
        context = browser.new_context(
            base_url=live_server.url, locale="es-CL", timezone_id="America/Santiago"
        )
        context.set_default_timeout(TIMEOUT_MS)
        cookies = [
            {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
        ]
        if role in sessions:
            cookies.append(
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": sessions[role],
                    "url": live_server.url,
                }
            )
        context.add_cookies(cookies)
        context.add_init_script(REPORT_CSP_VIOLATIONS)
        context.add_init_script(path=str(AXE))
        console = ConsoleLog()
        page = context.new_page()
        page.on("console", console.on_console)
        page.on("pageerror", console.on_page_error)
        for url in urls:
            problems += [
                f"{url} as {role} in {language}: {p}" for p in check_page(page, url, console)
            ]
            count += 1
        context.close()
    elapsed = time.monotonic() - started
    print(f"\n{count} page visits in {elapsed:.1f} s (world and roles {planned - started:.1f} s)")
    assert not problems, f"{len(problems)} problems on {count} page visits:\n" + "\n".join(problems)
