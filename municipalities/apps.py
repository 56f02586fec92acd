from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class MunicipalitiesConfig(AppConfig):
    name = "municipalities"
    verbose_name = _("Member cities")

    def ready(self) -> None:
        from municipalities import audit_actions

        audit_actions.register()
        from coalition.api import API_PREFIX, register_router
        from municipalities import api

        register_router(API_PREFIX + "municipalities/", api.api)
        register_router("open-data/", api.downloads)
        from coalition.models import Chapter
        from municipalities.cache import bump_directory_version
        from municipalities.models import Membership, Municipality, Programme

        # Whatever writes these (services, admin, seeds), the cached directory is refreshed.
        for model in (Municipality, Membership, Programme, Chapter):
            post_save.connect(bump_directory_version, sender=model, weak=False)
            post_delete.connect(bump_directory_version, sender=model, weak=False)
        m2m_changed.connect(
            bump_directory_version, sender=Municipality.programmes.through, weak=False
        )
