"""Production settings pass Django's deployment checks; pages carry a strict CSP and no inline
script."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

PROJECT_ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "portal.example.org",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # Start from the current environment without any Django setting that could mask a problem.
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "REQUIRE_MFA", "SECURE_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def production_env(**overrides: str) -> dict[str, str]:
    return {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secrets.token_urlsafe(64), **overrides}


def test_production_settings_pass_the_deploy_check():
    result = run_manage("check", "--deploy", **production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNING" not in output


def test_deploy_check_notices_a_missing_secret_key():
    """The check above is real: without a secret key it complains about the demo key."""
    env = production_env()
    del env["DJANGO_SECRET_KEY"]
    result = run_manage("check", "--deploy", **env)
    assert "security.W009" in result.stdout + result.stderr


def test_deploy_check_notices_debug():
    result = run_manage("check", "--deploy", **production_env(DJANGO_DEBUG="1"))
    assert "security.W018" in result.stdout + result.stderr


def test_production_cannot_relax_mfa():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.REQUIRE_MFA_FOR_PRIVILEGED, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)",
        **production_env(REQUIRE_MFA_FOR_PRIVILEGED="0"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "True True True True ['portal.example.org']"


# --- Content Security Policy and inline scripts -------------------------------------------

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.IGNORECASE | re.DOTALL)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.IGNORECASE)


def inline_scripts(html: str) -> list[str]:
    found = []
    for attributes, body in SCRIPT_TAG.findall(html):
        if re.search(r"\ssrc\s*=", " " + attributes):
            assert not body.strip(), f"a <script src> with a body: {attributes}"
            continue
        if re.search(r"""type\s*=\s*["']application/json["']""", attributes):
            continue
        found.append(f"<script{attributes}>{body[:80]}")
    return found


def test_inline_script_detector_detects():
    assert inline_scripts('<script>alert(1)</script><script src="/a.js"></script>') == [
        "<script>alert(1)"
    ]
    assert inline_scripts('<script type="application/json" id="d">{"a": 1}</script>') == []


@pytest.mark.django_db
def test_csp_header_is_strict(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert "'unsafe-inline'" not in policy
    assert "'unsafe-eval'" not in policy
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def page_urls(signed_in: bool) -> list[str]:
    if not signed_in:
        return [
            reverse("home"),
            reverse("account_login"),
            reverse("account_signup"),
            reverse("account_reset_password"),
            reverse("directory"),
        ]
    return [
        reverse("home"),
        reverse("staff_dashboard"),
        reverse("audit_log"),
        reverse("coalition_summary"),
        reverse("mfa_required"),
        reverse("account_email"),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("signed_in", [False, True], ids=["visitor", "staff"])
def test_pages_have_no_inline_script_handler_or_style(client, staff_user, signed_in):
    if signed_in:
        client.force_login(staff_user)
    for url in page_urls(signed_in):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], url
        html = response.content.decode()
        assert inline_scripts(html) == [], url
        assert not EVENT_HANDLER.search(html), url
        assert not STYLE_ATTRIBUTE.search(html), url


def test_no_template_has_an_inline_script():
    """Templates not rendered above are checked by reading them (e-mails excepted: no CSP)."""
    offenders = []
    for template in (PROJECT_ROOT / "templates").rglob("*.html"):
        if "emails" in template.relative_to(PROJECT_ROOT / "templates").parts:
            continue
        text = template.read_text(encoding="utf-8")
        if inline_scripts(text) or EVENT_HANDLER.search(text):
            offenders.append(str(template.relative_to(PROJECT_ROOT)))
    assert offenders == []
