"""Print the demo admin's (and operator's) current TOTP code, for logging in without an authenticator app.

Works only while the demo admin uses the published demo secret (accounts/demo.py): it can never
print a code for a secret that is not already public.
"""

import time

import pyotp
from django.core.management.base import BaseCommand, CommandError

from accounts import selectors
from accounts.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_TOTP_SECRET, DEMO_OPERATOR_EMAIL
from accounts.models import User


class Command(BaseCommand):
    help = "Print the demo admin's current two-factor code (from the published demo secret)."

    def handle(self, *args, **options):
        user = User.objects.filter(email=DEMO_ADMIN_EMAIL).first()
        if user is None:
            raise CommandError("There is no demo admin: run `manage.py seed_demo` first.")
        if not user.mfa_enabled or selectors.mfa_secret_of(user) != DEMO_ADMIN_TOTP_SECRET:
            raise CommandError(
                "The demo admin no longer uses the published demo secret; use its own authenticator, "
                "or run `manage.py seed_demo` to restore the demo secret."
            )
        totp = pyotp.TOTP(DEMO_ADMIN_TOTP_SECRET)
        seconds_left = totp.interval - int(time.time()) % totp.interval
        self.stdout.write(
            f"{totp.now()}  ({DEMO_ADMIN_EMAIL} and {DEMO_OPERATOR_EMAIL}; "
            f"the next code comes in {seconds_left} s)"
        )
