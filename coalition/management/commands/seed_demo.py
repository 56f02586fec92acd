from django.conf import settings
from django.core.management.base import BaseCommand

from coalition.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Load the demo chapters, member cities and one account per role. Safe to re-run."

    def handle(self, *args, **options) -> None:
        accounts = seed_demo()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.role:<28} {account.email}")
        if not settings.REQUIRE_MFA_FOR_PRIVILEGED:
            self.stdout.write(
                "Two-factor authentication is relaxed for this local demo "
                "(REQUIRE_MFA_FOR_PRIVILEGED=0)."
            )
