"""Public and private pages of projects, startups, challenges, indicators and the register.

Each part keeps its own URL module, so that their authors never edit the same list.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("projects.urls_startups")),
    path("", include("projects.indicators.urls")),
    path("", include("projects.register.urls")),
    # Last: /projects/<slug>/ would otherwise shadow more specific paths above.
    path("", include("projects.urls_projects")),
]
