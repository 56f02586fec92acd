from django.conf import settings

from coalition.permissions import Area, roles_of


def portal(request) -> dict:
    """Roles for the navigation; computed lazily so anonymous pages pay nothing."""

    def areas() -> list[str]:
        return [str(area) for area in roles_of(request.user).areas]

    return {
        "user_areas": areas,
        "AREA": Area,
        "LANGUAGES": settings.LANGUAGES,
    }
