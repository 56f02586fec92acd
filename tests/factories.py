"""factory_boy factories for the portal's models."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from calls.models import Call, CommitteeMember
from coalition.models import Chapter, ChapterStaff, User
from municipalities.models import Municipality, Officer

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="es_ES")
    language = "es"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chapter
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Coalición {n}")
    slug = factory.Sequence(lambda n: f"coalicion-{n}")
    country = "CL"
    time_zone = "America/Santiago"


class ChapterStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChapterStaff

    chapter = factory.SubFactory(ChapterFactory)
    user = factory.SubFactory(UserFactory)


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    name = factory.Sequence(lambda n: f"Comuna {n}")
    slug = factory.Sequence(lambda n: f"comuna-{n}")
    chapter = factory.SubFactory(ChapterFactory)
    country = "CL"
    region = "Región Metropolitana de Santiago"


class OfficerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Officer

    user = factory.SubFactory(UserFactory)
    municipality = factory.SubFactory(MunicipalityFactory)
    status = Officer.Status.APPROVED


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    chapter = factory.SubFactory(ChapterFactory)
    title = factory.Sequence(lambda n: f"Convocatoria {n}")
    slug = factory.Sequence(lambda n: f"convocatoria-{n}")


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeMember

    call = factory.SubFactory(CallFactory)
    user = factory.SubFactory(UserFactory)


def enable_totp(user: User) -> str:
    """Give `user` a TOTP authenticator; returns the secret to compute codes with."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))
