from django.conf import settings

from coalition.permissions import Area, recorded_roles, roles_of


def portal(request) -> dict:
    """Roles for the navigation; computed lazily so anonymous pages pay nothing."""

    def areas() -> list[str]:
        return [str(area) for area in roles_of(request.user).areas]

    def nav_areas() -> list[str]:
        # Links to areas waiting for two-factor set-up too: they lead to the set-up page.
        return [str(area) for area in recorded_roles(request.user).areas]

    return {
        "user_areas": areas,
        "user_nav_areas": nav_areas,
        "AREA": Area,
        "LANGUAGES": settings.LANGUAGES,
    }
