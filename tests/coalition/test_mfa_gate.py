"""Every staff, committee and superuser right passes the same two-factor gate, whatever view
serves it: proved over every URL pattern the resolver knows (the portal's, the review app's,
allauth's and the Django admin's), so that a URL added later is covered without editing
this test.

A staff member, a committee member and a superuser WITHOUT two-factor authentication
request every pattern, GET and POST, with real objects of their own chapter and call in the
URL. None may get private data (a 2xx answer outside the short list of public pages, or the
world's secret anywhere) nor change anything (no INSERT/UPDATE/DELETE but the session's, no
file written). The same users WITH two-factor reach every privileged pattern, so the sweep
cannot pass by filling URLs with objects nobody may see.

Adding a URL with a new kwarg: add its value to `KWARG_VALUES` (keyed by the path segment
before the kwarg and the kwarg's name); the test names the pattern and the key it needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from municipalities.models import Municipality
from tests.coalition.mfa_world import SECRET, World, build_world

pytestmark = pytest.mark.django_db

# --- Which object each URL kwarg names --------------------------------------------------------

# (last literal path segment before the kwarg, kwarg name) -> its value in the world.
# A segment of None matches any pattern: only for values that need no object.
KWARG_VALUES: dict[tuple[str | None, str], Callable[[World], object]] = {
    ("members", "slug"): lambda w: w.municipality.slug,
    ("municipalities", "slug"): lambda w: w.municipality.slug,  # the public API
    ("calls", "slug"): lambda w: w.call.slug,
    ("feeds", "slug"): lambda w: w.chapter.slug,
    ("applications", "pk"): lambda w: w.application.pk,
    ("documents", "document_id"): lambda w: w.letter.pk,
    ("annexes", "document_id"): lambda w: w.annex.pk,
    ("documents", "pk"): lambda w: w.summary.pk,  # panel/documents/<pk>/download/
    ("officers", "pk"): lambda w: w.officer_request.pk,
    ("assignments", "pk"): lambda w: w.assignment.pk,
    ("members", "member_id"): lambda w: w.member.pk,
    ("invitations", "invitation_id"): lambda w: w.invitation.pk,
    ("invitations", "token"): lambda w: w.invitation.token,
    ("conflicts", "flag_id"): lambda w: w.flag.pk,
    ("results", "pk"): lambda w: w.publication.pk,
    ("exports", "pk"): lambda w: w.export.pk,
    ("register", "slug"): lambda w: w.register_project.slug,
    ("versions", "number"): lambda w: 1,
    ("projects", "slug"): lambda w: w.register_project.slug,
    ("attachments", "attachment_id"): lambda w: w.project_attachment.pk,
    ("indicators", "indicator_id"): lambda w: w.indicator.pk,
    ("targets", "target_id"): lambda w: w.target.pk,
    ("measurements", "measurement_id"): lambda w: w.measurement.pk,
    ("v1", "rest"): lambda w: "no/such/endpoint",
    ("startups", "slug"): lambda w: w.startup.slug,
    ("challenges", "slug"): lambda w: w.challenge.slug,
    # The admin's "view on site" shortcut.
    ("r", "content_type_id"): lambda w: ContentType.objects.get_for_model(Municipality).pk,
    ("r", "object_id"): lambda w: w.municipality.pk,
    ("admin", "app_label"): lambda w: "municipalities",
    ("admin", "url"): lambda w: "no-such-page/",  # the admin's catch-all
    ("user", "id"): lambda w: w.staff.pk,  # the admin's password change
    # allauth's one-time keys: those pages are public; any well-formed key will do.
    (None, "key"): lambda w: "no-such-key",
    (None, "uidb36"): lambda w: "zz",
}

# --- Pages anyone may open --------------------------------------------------------------------

PUBLIC = {
    "home": "the front page",
    "healthz": "the load balancer's check",
    "set_language": "the language switcher",
    "directory": "the public directory of member cities",
    "member_map": "the public map",
    "member_map_data": "the public map's data",
    "open_data": "open data",
    "open_data_csv": "open data",
    "open_data_json": "open data",
    "api_municipality_list": "the public API",
    "api_municipality_detail": "the public API",
    "api_openapi": "the public API's description",
    "api_not_found": "the public API's JSON 404",
    "api_project_list": "the public API (published projects only)",
    "api_project_detail": "the public API (a published project; others: 404)",
    "api_startup_list": "the public API (startups with a published project)",
    "api_startup_detail": "the public API (a startup with a published project)",
    "api_challenge_list": "the public API (open and addressed challenges)",
    "api_challenge_detail": "the public API (an open or addressed challenge; drafts: 404)",
    "api_indicator_list": "the public API (indicators of published projects)",
    "api_indicator_detail": "the public API (an indicator of a published project)",
    "api_register_list": "the public API (public register entries, latest version)",
    "api_register_detail": "the public API (a public register entry, never the draft)",
    "api_register_versions": "the public API (a public register entry's published versions)",
    "municipality_profile": "a city's public profile",
    "municipality_logo": "a city's public logo",
    "call_list": "published calls",
    "call_detail": "a published call",
    "feed_chapter_calls": "public Atom feed",
    "feed_chapter_results": "public Atom feed",
    "dashboard": "each user's own panel; it sends privileged users to their gated area",
    "represent": "anyone signed in may ask to represent a city",
    "mfa_required": "the page that explains and links to two-factor set-up",
    "admin:logout": "signing out",
    "committee_invitation_accept": "the e-mailed token is the credential, for the invited "
    "address only",
    "register_list": "the public AI register",
    "register_entry": "a published register entry (its latest version, never the draft)",
    "register_history": "a published register entry's public history",
    "register_version": "a published version of a register entry",
    "register_data_csv": "open data of the AI register",
    "register_data_json": "open data of the AI register",
    "project_directory": "the public project directory (published projects only)",
    "project_detail": "a published project (others: 404 unless one may see them)",
    "project_history": "a published project's change history (authors only to insiders)",
    "project_attachment": "a published project's PDF (others: 404)",
    "project_data_csv": "open data of the published projects",
    "project_data_json": "open data of the published projects",
    "startup_list": "startups with a published project",
    "startup_detail": "a startup with a published project",
    "startup_data_csv": "open data of startups",
    "startup_data_json": "open data of startups",
    "challenge_list": "open and addressed challenges",
    "challenge_detail": "an open or addressed challenge (drafts: 404)",
    "challenge_data_csv": "open data of challenges",
    "challenge_data_json": "open data of challenges",
    "project_indicators": "a published project's indicators (others: 404)",
    "indicators_csv": "a published project's measurements (others: 404)",
    "measurement_evidence": "the evidence PDF of a published project's measurement (others: 404)",
    "measurements_csv": "open data of the published projects' measurements",
    "measurements_json": "open data of the published projects' measurements",
}
# allauth: the user's own account, sign-in, and the two-factor set-up itself.
PUBLIC_PREFIXES = ("account_", "mfa_")

# Pages no privileged user reaches even with two-factor: they belong to a city's officers.
OFFICERS_ONLY = {
    "officer_dashboard": "the officer's area",
    "application_start": "only a city's officers apply",
    "application_upload": "only the city's officers upload",
    "application_remove_annex": "only the city's officers remove an annex",
    "application_submit": "only the city's officers submit",
    "application_withdraw": "only the city's officers withdraw",
    "municipality_leave": "an officer leaves their own city",
    "register_edit": "the officers of the project's cities write its register entry",
    "register_publish": "the officers of the project's cities publish its register entry",
    "project_create": "officers register their cities' projects",
    "project_edit": "the officers of the project's cities edit it",
    "project_publish": "the officers of the project's cities publish it",
    "project_status": "the officers of the project's cities record its status",
    "project_attachment_upload": "the officers of the project's cities attach files",
    "project_attachment_remove": "the officers of the project's cities remove files",
    "indicator_create": "the officers of the project's cities add its indicators",
    "indicator_edit": "the officers of the project's cities edit its indicators",
    "indicator_delete": "the officers of the project's cities delete its indicators",
    "indicator_targets": "the officers of the project's cities set its targets",
    "indicator_target_delete": "the officers of the project's cities remove its targets",
    "measurement_create": "the officers of the project's cities report measurements",
    "measurement_delete": "the officers of the project's cities remove measurements",
    "indicators_import": "the officers of the project's cities import measurements",
    "indicators_import_confirm": "the officers of the project's cities import measurements",
}


# What a POST sends, where an empty form would stop before the privileged work (a 404 for an
# unknown decision, say): then the sweep tries the real action.
POST_DATA: dict[str, dict[str, str]] = {
    "officer_decide": {"decision": "approve"},
    "results_export_staff": {"kind": "scores_csv"},
    "results_export_committee": {"kind": "scores_csv"},
}


def is_public(name: str) -> bool:
    return name in PUBLIC or name.startswith(PUBLIC_PREFIXES)


# --- Walking the resolver ---------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # with its namespace, as reverse() wants it; the route if it has none
    named: bool
    route: str  # every prefix joined, for messages and kwarg segments
    kwargs: tuple[str, ...]
    callback: Callable


def walk(patterns, prefix: str = "", namespace: str | None = None) -> Iterator[Pattern]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = entry.name or ""
            if name and namespace:
                name = f"{namespace}:{name}"
            route = prefix + str(entry.pattern)
            kwargs = tuple(re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route))
            kwargs = tuple(a or b for a, b in kwargs)
            # Unnamed patterns (the admin's redirects) are known by their route.
            yield Pattern(name or route, bool(name), route, kwargs, entry.callback)


def segment_before(route: str, kwarg: str) -> str:
    """The last literal path segment before `kwarg` in `route` ("calls" in
    "panel/staff/calls/<slug:slug>/edit/")."""
    match = re.search(rf"<(?:\w+:)?{kwarg}>|\(\?P<{kwarg}>", route)
    head = re.sub(r"<[^>]*>|\(\?P<\w+>[^)]*\)", "", route[: match.start()])
    parts = [part for part in re.split(r"[/^$]", head) if re.fullmatch(r"[\w.-]+", part)]
    return parts[-1] if parts else ""


ADMIN_OBJECT = re.compile(r"^admin/(\w+)/(\w+)/<path:object_id>/")


def admin_object(pattern: Pattern, world: World) -> object:
    """An admin change/delete/history URL names an object of the model in its path."""
    app_label, model_name = ADMIN_OBJECT.match(pattern.route).groups()
    model = apps.get_model(app_label, model_name)
    obj = model._default_manager.order_by("pk").first()
    if obj is None:
        raise LookupError(
            f"{pattern.name} ({pattern.route}): the world has no {model._meta.label}; "
            f"create one in tests/coalition/mfa_world.py build_world()"
        )
    return obj.pk


def fill(pattern: Pattern, world: World) -> dict[str, object]:
    values = {}
    for kwarg in pattern.kwargs:
        if kwarg == "object_id" and ADMIN_OBJECT.match(pattern.route):
            values[kwarg] = admin_object(pattern, world)
            continue
        segment = segment_before(pattern.route, kwarg)
        make = KWARG_VALUES.get((segment, kwarg)) or KWARG_VALUES.get((None, kwarg))
        if make is None:
            raise LookupError(
                f"{pattern.name or '(unnamed)'} ({pattern.route}): no value for <{kwarg}> "
                f"after '{segment}/'. Add ({segment!r}, {kwarg!r}): lambda w: ... to "
                f"KWARG_VALUES in tests/coalition/test_mfa_gate.py (and the object to "
                f"tests/coalition/mfa_world.py if the world lacks it)."
            )
        values[kwarg] = make(world)
    return values


def build(route: str, values: dict[str, object]) -> str:
    """The URL of an unnamed pattern (the admin's redirects and catch-all)."""

    def value(match: re.Match) -> str:
        return str(values[match.group(1)])

    path = re.sub(r"<(?:\w+:)?(\w+)>", value, route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", value, path)
    return "/" + path.replace("^", "").replace("$", "")


def all_urls(world: World) -> list[tuple[Pattern, str]]:
    """(pattern, URL) for every pattern; fails naming every pattern it cannot fill."""
    urls, problems = [], []
    for pattern in walk(get_resolver().url_patterns):
        try:
            values = fill(pattern, world)
        except LookupError as error:
            problems.append(str(error))
            continue
        if pattern.named:
            urls.append((pattern, reverse(pattern.name, kwargs=values)))
        else:
            urls.append((pattern, build(pattern.route, values)))
    if problems:
        pytest.fail("URL patterns this test cannot fill:\n" + "\n".join(problems), pytrace=False)
    return urls


# --- One request, watched ---------------------------------------------------------------------

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@dataclass
class Outcome:
    status: int
    location: str = ""
    body: bytes = b""
    writes: list[str] = field(default_factory=list)
    new_files: set[str] = field(default_factory=set)


def media_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


@contextmanager
def rolled_back() -> Iterator[None]:
    """Each request's writes are undone, so one request cannot change what the next sees
    (the write spy still sees them)."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def attempt(client: Client, user, method: str, url: str, data: dict[str, str]) -> Outcome:
    if "_auth_user_id" not in client.session:  # a logout page signed the user out
        client.force_login(user)
    writes: list[str] = []

    def spy(execute, sql, params, many, context):
        if WRITE.match(sql) and "django_session" not in sql:
            writes.append(sql[:160])
        return execute(sql, params, many, context)

    before = media_files()
    with connection.execute_wrapper(spy), rolled_back():
        response = client.get(url) if method == "GET" else client.post(url, data)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    return Outcome(
        status=response.status_code,
        location=response.get("Location", ""),
        body=body,
        writes=writes,
        new_files=media_files() - before,
    )


def refused(outcome: Outcome) -> bool:
    """A refusal: forbidden, not found, wrong method, or sent to sign in or to set-up."""
    if outcome.status in (403, 404, 405):
        return True
    if outcome.status == 302:
        target = outcome.location.split("?", 1)[0]
        return target in {reverse("mfa_required"), reverse("account_login"), reverse("admin:login")}
    return False


def passed_the_gate(pattern: Pattern, outcome: Outcome) -> bool:
    """Whether a request with two-factor got past every permission check. In the admin, whose
    gate redirects to its login before any view runs, a 403 or 404 comes from the page itself
    (an add page of a read-only model, the catch-all, a lookup without parameters)."""
    if pattern.route.startswith("admin/"):
        return not (outcome.status == 302 and refused(outcome))
    return not refused(outcome)


# --- The tests --------------------------------------------------------------------------------


@pytest.fixture
def world(settings) -> World:
    settings.REQUIRE_MFA_FOR_PRIVILEGED = True  # production (DJANGO_DEBUG=0) behaviour
    settings.DEBUG = False
    return build_world()


def sweep(
    world: World, role: str, *, skip: Callable[[Pattern], bool] = lambda pattern: False
) -> Iterator[tuple[Pattern, str, str, Outcome]]:
    user = world.privileged[role]
    client = Client(raise_request_exception=False)
    client.force_login(user)
    for pattern, url in all_urls(world):
        for method in ("GET", "POST"):
            if skip(pattern):
                continue
            data = POST_DATA.get(pattern.name, {})
            yield pattern, url, method, attempt(client, user, method, url, data)


@pytest.mark.parametrize("role", ["staff", "committee", "superuser"])
def test_privileged_users_without_mfa_get_nothing_private_and_change_nothing(world, role):
    world.set_mfa(False)
    problems = []
    count = 0
    for pattern, url, method, outcome in sweep(world, role):
        count += 1
        where = f"{method} {url} ({pattern.name})"
        if outcome.status >= 500:
            problems.append(f"{where}: answered {outcome.status}: {outcome.body[-300:]!r}")
        if not is_public(pattern.name) and not refused(outcome):
            problems.append(
                f"{where}: answered {outcome.status} {outcome.location} instead of a refusal "
                f"or the two-factor set-up (if anyone may see it, add it to PUBLIC with why)"
            )
        if SECRET.encode() in outcome.body:
            problems.append(f"{where}: shows private data")
        if outcome.writes:
            problems.append(f"{where}: wrote to the database: {outcome.writes[:3]}")
        if outcome.new_files:
            problems.append(f"{where}: wrote files: {sorted(outcome.new_files)}")
    assert count > 300  # the admin's and allauth's patterns are in the walk too
    assert not problems, f"{role} without two-factor:\n" + "\n".join(problems)


def test_the_same_users_with_mfa_reach_every_privileged_pattern(world):
    """The positive control: with two-factor, the world's objects open every privileged
    page to one of the three, so the sweep above proves the gate, not a wrong fill."""
    world.set_mfa(True)
    reached: dict[str, set[str]] = {}
    names = {pattern.name for pattern in walk(get_resolver().url_patterns)}
    errors = []
    # The superuser first: once a pattern is reached, the others need not try it.
    for role in ("superuser", "staff", "committee"):
        for pattern, _url, method, outcome in sweep(
            world, role, skip=lambda pattern: pattern.name in reached
        ):
            if outcome.status >= 500:
                errors.append(f"{method} {pattern.name} as {role}: answered {outcome.status}")
            if passed_the_gate(pattern, outcome):
                reached.setdefault(pattern.name, set()).add(f"{role} {method}")
    assert not errors, "\n".join(errors)
    expected = {n for n in names if not is_public(n) and n not in OFFICERS_ONLY}
    missing = sorted(expected - set(reached))
    assert not missing, (
        "Privileged patterns no user with two-factor reached (wrong object in KWARG_VALUES, "
        "or a page for officers only: then add it to OFFICERS_ONLY with why):\n"
        + "\n".join(missing)
    )
    stale = sorted(set(OFFICERS_ONLY) - names) + sorted(set(PUBLIC) - names)
    assert not stale, f"Listed names that no longer exist: {stale}"


@pytest.mark.parametrize(
    ("role", "name", "kwargs", "shows_secret"),
    [
        ("staff", "staff_dashboard", {}, False),
        ("staff", "staff_application", {"pk": "application"}, True),
        ("staff", "municipality_history", {"slug": "municipality"}, True),
        ("staff", "document_download", {"pk": "application", "document_id": "letter"}, True),
        ("staff", "generated_document_download", {"pk": "summary"}, True),
        ("staff", "officer_requests", {}, True),
        ("committee", "committee_dashboard", {}, False),
        ("superuser", "staff_application", {"pk": "application"}, True),
        ("superuser", "admin:index", {}, False),
        ("superuser", "admin:municipalities_officer_changelist", {}, False),
    ],
)
def test_with_mfa_they_open_their_pages(world, client, role, name, kwargs, shows_secret):
    world.set_mfa(True)
    client.force_login(world.privileged[role])
    values = {}
    for key, attribute in kwargs.items():
        obj = getattr(world, attribute)
        values[key] = obj.slug if key == "slug" else obj.pk
    response = client.get(reverse(name, kwargs=values))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert (SECRET.encode() in body) is shows_secret
