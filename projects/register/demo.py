"""Demo register entries (called by projects.demo.seed_projects): three risk levels, each
published twice, with what changed between versions. Idempotent: a project whose entry has
been published is left as it is. All text is fictional demo data, in Spanish."""

from __future__ import annotations

from datetime import UTC, date, datetime

from municipalities.models import Officer
from projects.models import Project
from projects.register import services
from projects.register.models import RegisterEntry
from projects.register.selectors import project_for_publication

FICTIONAL = "Datos ficticios de demostración."

# slug -> (first version's fields and date, the second's changes, date and note)
ENTRIES: dict[str, dict] = {
    "la-serena-triaje-permisos-dom": {
        "first": {
            "summary": (
                "Un programa lee cada solicitud de permiso de edificación que llega a la "
                "Dirección de Obras y sugiere qué revisión necesita, para que llegue antes a "
                "quien la revisa. Una persona decide siempre. (ficticio)"
            ),
            "owner_unit": "Dirección de Obras Municipales (DOM) de La Serena",
            "contact_name": "Unidad de Innovación Municipal (ficticio)",
            "contact_email": "innovacion@laserena.demo.coalicion.test",
            "procurement": "Trato directo tras un piloto de tres meses con Permisia SpA. "
            + FICTIONAL,
            "purpose": (
                "Ordenar la fila de solicitudes de permisos de edificación según su "
                "complejidad, para revisar antes las simples y asignar las complejas a "
                "arquitectos con experiencia."
            ),
            "expected_benefit": "Bajar de 45 a 20 los días promedio de tramitación.",
            "alternatives_considered": "Contratar más revisores; una lista de control manual.",
            "legal_basis": (
                "Ley General de Urbanismo y Construcciones y su Ordenanza General: la DOM "
                "resuelve los permisos; el sistema solo ordena la fila."
            ),
            "human_oversight": (
                "Cada sugerencia la confirma o corrige un revisor de la DOM antes de asignar "
                "la solicitud. El sistema no aprueba ni rechaza permisos."
            ),
            "objection_procedure": (
                "Quien solicita puede pedir por escrito en la Oficina de Partes que su "
                "solicitud se revise sin la sugerencia del sistema; responde la Dirección de "
                "Obras en 10 días hábiles."
            ),
            "data_sources": "Solicitudes de permisos de 2019 a 2024 y sus resoluciones.",
            "uses_personal_data": True,
            "personal_data": "Nombre y RUT de quien solicita (no se usan para clasificar).",
            "data_retention": "Cinco años, como el expediente del permiso.",
            "algorithm_type": "self_learning",
            "model_description": "Clasificador de texto entrenado con solicitudes anteriores.",
            "performance": "",
            "monitoring": "Revisión mensual de una muestra de 50 clasificaciones.",
            "risk_level": "limited",
            "risks": "Que una solicitud compleja se clasifique como simple y se demore.",
            "mitigations": "Un revisor confirma cada clasificación; muestra mensual auditada.",
            "impact_assessments": [],
            "status": "in_development",
            "development_started_on": date(2025, 1, 6),
        },
        "first_at": datetime(2025, 3, 10, 14, 0, tzinfo=UTC),
        "second": {
            "status": "in_use",
            "in_use_since": date(2025, 7, 1),
            "performance": "91 % de las sugerencias confirmadas por los revisores (ficticio).",
            "impact_assessments": [
                {
                    "title": "Evaluación de impacto en protección de datos (ficticio)",
                    "url": "https://laserena.demo.coalicion.test/eipd-triaje-dom.pdf",
                }
            ],
            "next_review_on": date(2026, 7, 1),
        },
        "second_at": datetime(2025, 7, 2, 13, 0, tzinfo=UTC),
        "note": "Puesta en producción, primera medición y evaluación de impacto publicada.",
    },
    "cordoba-rosario-asistente-vecinal": {
        "first": {
            "summary": (
                "Un asistente en la web responde de noche y en fin de semana preguntas "
                "frecuentes sobre trámites de Córdoba y Rosario y deriva lo demás a una "
                "persona. (ficticio)"
            ),
            "owner_unit": "Secretarías de Modernización de Córdoba y de Rosario",
            "contact_name": "Equipo del asistente vecinal (ficticio)",
            "contact_email": "asistente@cordoba-rosario.demo.coalicion.test",
            "procurement": "Convenio de codesarrollo con Ciudata SAS. " + FICTIONAL,
            "purpose": "Responder consultas frecuentes fuera del horario de atención.",
            "expected_benefit": "Menos llamadas repetidas; respuesta a cualquier hora.",
            "alternatives_considered": "Ampliar el horario del centro de llamadas.",
            "legal_basis": "Ordenanzas de modernización de ambos municipios (ficticio).",
            "human_oversight": (
                "El asistente solo informa: no inicia trámites. Las respuestas las redacta "
                "y revisa el equipo de atención; toda consulta puede pasar a una persona."
            ),
            "objection_procedure": "Escriba a atención vecinal o pida hablar con una persona.",
            "data_sources": "Preguntas frecuentes publicadas por los municipios.",
            "uses_personal_data": False,
            "data_retention": "Las conversaciones se borran a los 30 días.",
            "algorithm_type": "hybrid",
            "model_description": "Búsqueda de respuestas redactadas y un modelo de lenguaje.",
            "monitoring": "",
            "risk_level": "minimal",
            "risks": "Respuestas desactualizadas.",
            "mitigations": "Las respuestas se revisan cada mes.",
            "status": "in_development",
            "development_started_on": date(2025, 5, 5),
        },
        "first_at": datetime(2025, 6, 2, 15, 0, tzinfo=UTC),
        "second": {
            "performance": "8 de cada 10 consultas resueltas sin derivar (ficticio).",
            "monitoring": "Encuesta de satisfacción y revisión semanal de consultas derivadas.",
        },
        "second_at": datetime(2025, 11, 3, 15, 0, tzinfo=UTC),
        "note": "Resultados del piloto y forma de seguimiento.",
    },
    "neuquen-turnos-centros-salud": {
        "first": {
            "summary": (
                "Un programa propone el orden de los turnos en los centros de salud según la "
                "urgencia declarada y la disponibilidad. Afecta el acceso a la salud, por eso "
                "se considera de alto riesgo. (ficticio)"
            ),
            "owner_unit": "Subsecretaría de Salud de Neuquén (ficticio)",
            "contact_name": "Coordinación de centros de salud (ficticio)",
            "contact_email": "turnos@neuquen.demo.coalicion.test",
            "procurement": "Licitación pública adjudicada a Ciudata SAS. " + FICTIONAL,
            "purpose": "Reducir la espera de turnos y priorizar a quien más lo necesita.",
            "expected_benefit": "Menos ausencias y esperas más cortas.",
            "alternatives_considered": "Turnos por orden de llegada; más personal de admisión.",
            "legal_basis": "Ley provincial de salud pública (ficticio).",
            "human_oversight": (
                "El personal de admisión revisa la propuesta y puede cambiar cualquier turno; "
                "los casos urgentes los decide siempre un profesional de salud."
            ),
            "objection_procedure": (
                "En el centro de salud o por el formulario de reclamos: un profesional revisa "
                "el turno en 48 horas."
            ),
            "data_sources": "Solicitudes de turno y agendas de los centros de salud.",
            "uses_personal_data": True,
            "personal_data": "Edad, centro de salud y motivo de consulta declarado.",
            "data_retention": "Dos años; acceso solo del personal de admisión.",
            "algorithm_type": "rule_based",
            "model_description": "Reglas de prioridad y un modelo que estima ausencias.",
            "risk_level": "high",
            "risks": "Sesgos contra personas mayores o de barrios alejados; errores de urgencia.",
            "mitigations": "Revisión humana de cada turno; auditoría trimestral de sesgos.",
            "status": "in_development",
            "development_started_on": date(2025, 8, 4),
        },
        "first_at": datetime(2025, 9, 1, 13, 0, tzinfo=UTC),
        "second": {
            "status": "in_use",
            "in_use_since": date(2026, 1, 5),
            "impact_assessments": [
                {
                    "title": "Evaluación de impacto algorítmico (ficticio)",
                    "url": "https://neuquen.demo.coalicion.test/evaluacion-turnos.pdf",
                }
            ],
            "mitigations": (
                "Revisión humana de cada turno; auditoría trimestral de sesgos por edad y "
                "barrio; los casos urgentes no pasan por el programa."
            ),
            "next_review_on": date(2026, 6, 30),
        },
        "second_at": datetime(2026, 1, 6, 13, 0, tzinfo=UTC),
        "note": "En uso en tres centros; evaluación de impacto y nuevas medidas publicadas.",
    },
}


def _actor(project: Project):
    officer = (
        Officer.objects.filter(
            municipality__project_links__project=project, status=Officer.Status.APPROVED
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return officer.user if officer else None


def seed_register() -> list[RegisterEntry]:
    entries = []
    for slug, spec in ENTRIES.items():
        project = Project.objects.filter(slug=slug, uses_ai=True).first()
        if project is None:
            continue
        existing = RegisterEntry.objects.filter(project=project).first()
        if existing is not None and existing.latest_version_id is not None:
            entries.append(existing)
            continue
        project = project_for_publication(project)
        actor = _actor(project)
        entry, _changed = services.register_entry_save(
            project=project,
            actor=actor,
            data=spec["first"],
            draft_revision=existing.draft_revision if existing else None,
        )
        services.register_entry_publish(entry=entry, actor=actor, at=spec["first_at"])
        entry, _changed = services.register_entry_save(
            project=project, actor=actor, data=spec["second"], draft_revision=entry.draft_revision
        )
        services.register_entry_publish(
            entry=entry, actor=actor, change_note=spec["note"], at=spec["second_at"]
        )
        entries.append(entry)
    return entries
