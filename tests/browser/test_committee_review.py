"""A committee member reviews an application in a real browser, with the keyboard only.

Signs in with TOTP, declares no conflict, reads the documents shown beside the rubric,
scores every criterion with the keyboard (one "cannot assess"), submits, and then sees the
other member's scores, which were hidden before.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from calls.models import Document
from calls.review import assignment as assigning
from calls.review import conflicts, reviews
from calls.review.models import Review
from tests.browser.helpers import sign_in
from tests.calls import pdfs
from tests.calls.helpers import make_call
from tests.factories import ChapterFactory, ChapterStaffFactory, MunicipalityFactory, enable_totp
from tests.review.conftest import close_call, eligible_application, seat

pytestmark = pytest.mark.browser


def real_pdf(application, kind: str, text: str, **fields) -> Document:
    data = pdfs.pdf_with_pages(2, text)
    document = Document(
        application=application,
        kind=kind,
        original_name=f"{kind}.pdf",
        size=len(data),
        pages=2,
        sha256=hashlib.sha256(data).hexdigest(),
        **fields,
    )
    document.file.save(f"{kind}.pdf", ContentFile(data), save=False)
    document.save()
    return document


@pytest.fixture
def world(transactional_db):
    chapter = ChapterFactory(name="CIAR Chile", slug="ciar-chile", time_zone="America/Santiago")
    staff = ChapterStaffFactory(chapter=chapter).user
    enable_totp(staff)
    now = timezone.now()
    call = make_call(
        chapter,
        staff,
        slug="convocatoria-ciar-2026",
        title="Convocatoria CIAR Chile 2026",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=20),
    )
    call = close_call(call)
    city = MunicipalityFactory(chapter=chapter, name="Peñalolén", region="Metropolitana")
    application = eligible_application(call, city, staff, documents=False)
    letter = real_pdf(
        application,
        "letter",
        "Carta de compromiso",
        signature=Document.Signature.VALID,
        signer_name="María Intendenta",
    )
    report = real_pdf(application, "report", "Informe descriptivo")
    reviewer = seat(
        call, staff, email="evaluadora@example.org", kind="expert", affiliation="Universidad"
    )
    reviewer.user.language = "es"
    reviewer.user.save()
    other = seat(call, staff, email="otro@example.org", kind="expert", affiliation="Fundación")
    mine = assigning.assign(member=reviewer, application=application, actor=staff)
    theirs = assigning.assign(member=other, application=application, actor=staff)
    conflicts.declare(member=other, application=application, actor=other.user, has_conflict=False)
    criteria = reviews.rubric(call.pk)
    reviews.review_submit(
        assignment=theirs,
        actor=other.user,
        version=0,
        data={
            "overall_comment": "COMENTARIO-DEL-OTRO",
            "scores": {c.pk: {"level": c.levels.all()[0].pk} for c in criteria},
        },
    )
    return {
        "reviewer": reviewer,
        "assignment": mine,
        "criteria": criteria,
        "letter": letter,
        "report": report,
        "application": application,
    }


def test_member_reviews_with_the_keyboard_and_then_sees_the_others(
    page, console, live_server, world, artifacts_dir
):
    reviewer, assignment = world["reviewer"], world["assignment"]
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append((r.url, r.status)))
    criteria = world["criteria"]
    dashboard = reverse("committee_dashboard")
    sign_in(page, reviewer.user.email, next_url=dashboard, totp_secret=reviewer.user.totp_secret)
    expect(page.locator("main")).to_contain_text("Peñalolén")

    # Nothing of the application before the declaration: the link leads to it.
    declare_url = reverse("review_declare", args=[assignment.pk])
    declare_link = page.locator(f'main a[href="{declare_url}"]')
    declare_link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(declare_url) + "$"))
    expect(page.locator("main")).not_to_contain_text(world["application"].motivation)
    page.locator('input[name="has_conflict"][value="no"]').focus()
    page.keyboard.press("Space")
    expect(page.locator('input[name="has_conflict"][value="no"]')).to_be_checked()
    page.keyboard.press("Enter")  # submits the form from the radio
    review_url = reverse("review_edit", args=[assignment.pk])
    page.wait_for_url(re.compile(re.escape(review_url) + "$"))

    # The documents beside the rubric, in the browser, with the letter's signature verdict.
    viewer = page.locator("iframe[name=viewer]")
    expect(viewer).to_be_visible()
    letter_url = reverse("review_document", args=[assignment.pk, world["letter"].pk])
    report_url = reverse("review_document", args=[assignment.pk, world["report"].pk])
    expect(viewer).to_have_attribute("src", letter_url)
    expect(page.locator('[data-testid="signature"]')).to_be_visible()
    expect(page.locator("main")).to_contain_text("María Intendenta")
    expect(page.locator("main")).to_contain_text(world["application"].motivation)
    with page.expect_response(lambda r: r.url.endswith(report_url)) as shown:
        page.locator(f'a[href="{report_url}"]').focus()
        page.keyboard.press("Enter")
    response = shown.value
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    expect(viewer).to_be_visible()
    assert page.frame(name="viewer").url.endswith(report_url)

    # Others' scores are hidden before the member submits their own.
    expect(page.locator("#others")).not_to_contain_text("COMENTARIO-DEL-OTRO")

    # Keyboard only: Space chooses in a radio group, arrows move, Tab goes on.
    first_radio = page.locator(f'input[name="c{criteria[0].pk}"]').first
    first_radio.focus()
    for number, criterion in enumerate(criteria):
        levels = criterion.levels.count()
        page.keyboard.press("Space")  # the first level
        steps = levels if number == len(criteria) - 1 else levels - 1  # last: cannot assess
        for _ in range(steps):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")  # the criterion's comment
        page.keyboard.type(f"Comentario {number + 1}")
        page.keyboard.press("Tab")  # the next criterion's radio group, or the comments
    page.keyboard.type("Una candidatura sólida.")  # comment for the committee
    for criterion in criteria[:-1]:
        top = criterion.levels.order_by("-score").first()
        expect(page.locator(f"#id_c{criterion.pk}_{top.pk}")).to_be_checked()
    expect(page.locator(f"#id_c{criteria[-1].pk}_na")).to_be_checked()

    # The draft saved itself meanwhile (no waiting for the last save: htmx queues the
    # submission behind it, so it carries the latest version).
    expect(page.locator("#review-autosave")).to_contain_text(re.compile(r"\d\d:\d\d:\d\d"))
    assert Review.objects.get(assignment=assignment).status == Review.Status.DRAFT

    submit = page.locator('button[name="action"][value="submit"]')
    submit.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(review_url) + "$"))
    review = Review.objects.get(assignment=assignment)
    assert review.status == Review.Status.SUBMITTED, page.locator("main").inner_text()[:3000]
    # 40 % and 35 % at the top level, 25 % "cannot assess": 100 over 75 % of the weight.
    assert float(review.score) == 100.0
    assert review.weight_assessed == 75
    expect(page.locator("#review-score")).to_contain_text("75%")

    # Now the other member's review and the averages show.
    expect(page.locator("#others-table")).to_contain_text("COMENTARIO-DEL-OTRO")
    expect(page.locator("#others")).to_contain_text("50")
    page.screenshot(path=str(artifacts_dir / "committee-review.png"), full_page=True)
    assert not failed, failed
    console.assert_clean()
