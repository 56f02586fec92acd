"""Demo calls: a past call modelled on the real CIIAR Argentina call (seed 003) with its
selected cities, and an open CIAR Chile call with draft and submitted applications."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from calls import call_setup, services
from calls.models import Application, Call, CommitteeMember
from coalition.models import Chapter, User
from coalition.pdf import render_pdf
from municipalities.models import Membership, Municipality, Officer

REQUIREMENTS_AR = [
    {
        "text": "Ser un gobierno local legalmente reconocido en Argentina.",
        "evidence_requested": False,
    },
    {
        "text": "Contar con un plan, programa o política estructurada de transformación digital.",
        "evidence_requested": True,
    },
    {
        "text": "Disponer de una unidad, dependencia o área dedicada a la innovación, tecnología "
        "o gobierno digital.",
        "evidence_requested": False,
    },
    {
        "text": "Demostrar capacidad y disponibilidad de compromiso continuo.",
        "evidence_requested": False,
    },
]

RUBRIC = [
    {
        "title": "Madurez institucional en innovación y transformación digital",
        "description": "Plan, área dedicada, trámites en línea, conectividad.",
        "weight": 40,
        "levels": [
            {"score": 0, "description": "Sin plan ni área dedicada"},
            {"score": 1, "description": "Iniciativas aisladas"},
            {"score": 2, "description": "Plan aprobado o área dedicada"},
            {"score": 3, "description": "Plan aprobado, financiado y con área dedicada"},
        ],
    },
    {
        "title": "Capacidad para desarrollar soluciones basadas en datos e IA",
        "description": "Proyectos en curso, equipo, datos disponibles, resultados.",
        "weight": 35,
        "levels": [
            {"score": 0, "description": "Sin proyectos de datos"},
            {"score": 1, "description": "Pilotos sin evaluación"},
            {"score": 2, "description": "Proyectos en producción"},
            {"score": 3, "description": "Proyectos escalados con resultados medidos"},
        ],
    },
    {
        "title": "Compromiso con la coalición",
        "description": "Disposición a compartir datos, casos y a un proyecto colaborativo al año.",
        "weight": 25,
        "levels": [
            {"score": 0, "description": "Compromiso genérico"},
            {"score": 2, "description": "Compromisos concretos"},
            {"score": 3, "description": "Compromisos concretos con responsables y plazos"},
        ],
    },
]

QUESTIONS = [
    {
        "kind": "long_text",
        "label": "¿Qué proyecto colaborativo con una startup govtech propondría para el "
        "primer año?",
        "help_text": "",
        "required": True,
        "word_limit": 300,
        "choices": [],
    },
    {
        "kind": "number",
        "label": "¿Cuántos trámites municipales pueden hacerse hoy en línea?",
        "help_text": "",
        "required": True,
        "word_limit": None,
        "choices": [],
    },
    {
        "kind": "choice",
        "label": "¿Cuál es el principal obstáculo para adoptar IA en su municipio?",
        "help_text": "",
        "required": True,
        "word_limit": None,
        "choices": ["Datos", "Presupuesto", "Capacidades del equipo", "Marco normativo"],
    },
    {
        "kind": "yes_no",
        "label": "¿El municipio publica datos abiertos?",
        "help_text": "",
        "required": False,
        "word_limit": None,
        "choices": [],
    },
]

# Real Argentine cities used as the demo cohort of the past call; the selection is fictional.
DEMO_COHORT_AR = [
    ("Godoy Cruz", "Mendoza", -32.925, -68.845),
    ("Rafaela", "Santa Fe", -31.253, -61.491),
    ("Bahía Blanca", "Buenos Aires", -38.719, -62.272),
]


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))


def demo_pdf(title: str, pages: int, signer: str = "") -> SimpleUploadedFile:
    pdf = render_pdf(
        "pdf/demo_document.html", {"title": title, "pages": range(1, pages + 1), "signer": signer}
    )
    return SimpleUploadedFile(f"{title.lower().replace(' ', '-')}.pdf", pdf, "application/pdf")


def seed_past_call(chapter: Chapter, staff: User, committee: User) -> Call:
    zone = chapter.time_zone
    call, created = Call.objects.get_or_create(
        slug="ciiar-argentina-2025",
        defaults={
            "chapter": chapter,
            "title": "Convocatoria para integrar la CIIAR Argentina 2025",
        },
    )
    if created or not call.summary:
        call.summary = (
            "Selección de gobiernos locales de Argentina con mayor madurez en innovación y "
            "transformación digital para integrar la Coalición de Ciudades por la IA."
        )
        call.objectives = (
            "Seleccionar gobiernos locales de Argentina con un mayor grado de madurez "
            "institucional en innovación y transformación digital, con capacidad para "
            "desarrollar, implementar y escalar soluciones basadas en datos e inteligencia "
            "artificial que impacten positivamente en la gestión pública y la vida de la "
            "población."
        )
        call.benefits = (
            "Red de cooperación y aprendizaje entre pares.\nEspacios de experimentación y "
            "visibilidad.\nProyectos colaborativos, apoyo técnico y capacitación.\n"
            "Articulación con socios estratégicos."
        )
        call.commitments = (
            "Participar activamente en las reuniones y encuentros del grupo.\nCompartir "
            "información, datos, resultados y estudios de caso.\nInvolucrarse en al menos un "
            "proyecto colaborativo con una startup govtech con IA por año.\nMantener "
            "actualizada la información sobre iniciativas digitales e indicadores de impacto.\n"
            "Garantizar que la adopción de IA siga principios de ética, transparencia, "
            "inclusión y responsabilidad."
        )
        call.opens_at = local(zone, 2025, 12, 3, 0, 0)
        call.closes_at = local(zone, 2025, 12, 31, 23, 59)
        call.announces_at = local(zone, 2026, 1, 26, 12, 0)
        call.save()
        call_setup.call_set_structure(
            call=call, actor=staff, requirements=REQUIREMENTS_AR, questions=[], criteria=RUBRIC
        )
        call = call_setup.call_publish(call=call, actor=staff)
    CommitteeMember.objects.get_or_create(call=call, user=committee)
    for name, region, latitude, longitude in DEMO_COHORT_AR:
        municipality, _ = Municipality.objects.get_or_create(
            slug=name.lower().replace(" ", "-").replace("í", "i"),
            defaults={
                "name": name,
                "chapter": chapter,
                "country": "AR",
                "region": region,
                "latitude": latitude,
                "longitude": longitude,
                "description": "Perfil de demostración: la selección es ficticia.",
            },
        )
        Membership.objects.get_or_create(
            municipality=municipality,
            chapter=chapter,
            defaults={
                "status": Membership.Status.MEMBER,
                "cohort": call,
                "joined_on": call.announces_at.date(),
            },
        )
        Application.objects.get_or_create(
            call=call,
            municipality=municipality,
            defaults={
                "status": Application.Status.ELIGIBLE,
                "submitted_at": local(zone, 2025, 12, 29, 18, 30),
                "contact_name": "Equipo de innovación",
                "motivation": "Solicitud histórica de demostración.",
            },
        )
    return call


def seed_open_call(chapter: Chapter, staff: User, applicants: list[tuple[User, str]]) -> Call:
    """An open call of CIAR Chile; the first applicant keeps a draft, the others submitted."""
    zone = chapter.time_zone
    now = timezone.now()
    call, created = Call.objects.get_or_create(
        slug="ciar-chile-2027",
        defaults={"chapter": chapter, "title": "Convocatoria CIAR Chile 2027: nuevas comunas"},
    )
    if created:
        call.summary = (
            "Comunas de Chile que quieran sumarse a la Coalición de municipios por una IA "
            "responsable en su segunda etapa."
        )
        call.objectives = (
            "Incorporar comunas con políticas digitales en marcha que quieran desarrollar "
            "proyectos de IA responsable con startups govtech y compartir sus resultados."
        )
        call.commitments = REQUIREMENTS_AR[-1]["text"]
        call.contact_email = "ciar@demo.coalicion.test"
        # Open now, whatever the day the demo is started, closing at 23:59 local time.
        opens = timezone.localtime(now - timedelta(days=20), ZoneInfo(zone))
        closes = timezone.localtime(now + timedelta(days=40), ZoneInfo(zone))
        call.opens_at = opens.replace(hour=0, minute=0, second=0, microsecond=0)
        call.closes_at = closes.replace(hour=23, minute=59, second=0, microsecond=0)
        call.announces_at = call.closes_at + timedelta(days=25)
        call.save()
        requirements = [
            {"text": "Ser una municipalidad de Chile.", "evidence_requested": False},
            *REQUIREMENTS_AR[1:],
        ]
        call_setup.call_set_structure(
            call=call, actor=staff, requirements=requirements, questions=QUESTIONS, criteria=RUBRIC
        )
        call = call_setup.call_publish(call=call, actor=staff)
    for index, (officer, slug) in enumerate(applicants):
        municipality = Municipality.objects.get(slug=slug)
        if Application.objects.filter(call=call, municipality=municipality).exists():
            continue
        application = services.application_start(
            call=call, municipality=municipality, actor=officer
        )
        data = {
            "contact_name": officer.full_name,
            "contact_role": "Encargado/a de innovación",
            "contact_email": officer.email,
            "innovation_unit": f"Laboratorio de Innovación de {municipality.name}",
            "innovation_team": "Cinco personas: datos, diseño de servicios y desarrollo.",
            "digital_plan": "Plan de Transformación Digital 2024-2027, aprobado por el concejo.",
            "initiatives": "Asistente virtual de trámites; tablero de datos de seguridad.",
            # The demo officer's draft still lacks its motivation, so the completeness check
            # has something to point at.
            "motivation": "" if index == 0 else "Queremos aprender con pares y compartir.",
            "declarations": {
                str(r.pk): {"accepted": True, "evidence": "Decreto 123/2024"}
                for r in call.requirements.all()
            },
            "answers": {},
        }
        application = services.application_save_draft(
            application=application, actor=officer, version=application.version, data=data
        )
        if index == 0:
            continue  # left as a draft for the demo officer to finish
        questions = list(call.questions.all())
        answers = ["Clasificación automática de reclamos vecinales.", "85", "Datos", "yes"]
        services.application_save_draft(
            application=application,
            actor=officer,
            version=application.version,
            data={"answers": {str(q.pk): a for q, a in zip(questions, answers, strict=True)}},
        )
        services.application_upload_document(
            application=application,
            actor=officer,
            kind="letter",
            upload=demo_pdf(f"Carta de compromiso {municipality.name}", 1),
        )
        services.application_upload_document(
            application=application,
            actor=officer,
            kind="report",
            upload=demo_pdf(f"Informe descriptivo {municipality.name}", 4),
        )
        services.application_submit(application=application, actor=officer)
    return call


def seed_calls(
    *,
    chapters: dict[str, Chapter],
    staff: dict[str, User],
    committee: User,
    applicants: list[tuple[User, str]],
) -> None:
    seed_past_call(chapters["AR"], staff["AR"], committee)
    seed_open_call(chapters["CL"], staff["CL"], applicants)
    # The committees of both calls, their reviews and the past call's published results.
    from calls.review.demo import seed_review_demo

    seed_review_demo(chapters=chapters, staff=staff, demo_member=committee)


def approve_officer(user: User, slug: str, position: str) -> None:
    Officer.objects.update_or_create(
        user=user,
        municipality=Municipality.objects.get(slug=slug),
        defaults={"status": Officer.Status.APPROVED, "position": position},
    )
