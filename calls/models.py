"""Application rounds and the committees that evaluate them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from coalition.models import Chapter


class Call(models.Model):
    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="calls", verbose_name=_("chapter")
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class CommitteeMember(models.Model):
    """A person named to the evaluation committee of one call."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="committee", verbose_name=_("call")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="committee_seats",
        verbose_name=_("user"),
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("committee member")
        verbose_name_plural = _("committee members")
        constraints = [
            models.UniqueConstraint(fields=["call", "user"], name="unique_committee_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.call}"
