"""`manage.py seed_demo`: create the demo organization, its accounts and demo content; safe to run again.

Here in config, above the apps, because it sequences more than one app's own demo step: the
accounts (accounts/demo.py), the questionnaire (questionnaires/demo.py), then two clients' completed
sessions (sessions_app/demo.py), whose documents the worker generates for the reviewer.
"""

from django.core.management.base import BaseCommand

from accounts import mfa
from accounts.demo import DEMO_ADMIN_TOTP_SECRET, MFA_ROLES, demo_accounts_ensure
from accounts.models import User
from documents.catalogue import catalogue_load
from documents.content import content_load
from documents.models import DocumentType, Recommendation
from questionnaires.demo import demo_questionnaire_ensure
from sessions_app.demo import PROFILES, demo_sessions_ensure


class Command(BaseCommand):
    help = "Create the demo organization and accounts (idempotent) and print the logins."

    def handle(self, *args, **options):
        organization, logins = demo_accounts_ensure()
        self.stdout.write(f"Demo organization: {organization.name}")
        for login in logins:
            self.stdout.write(f"  {login.role:<9} {login.email:<24} password: {login.password}")
            if login.role in MFA_ROLES:
                secret = mfa.totp_secret_grouped(DEMO_ADMIN_TOTP_SECRET)
                self.stdout.write(f"  {'':<34} two-factor secret: {secret}")
                self.stdout.write(
                    f"  {'':<34} (add it to an authenticator app, or run"
                    " `.venv/bin/python manage.py demo_totp` for a current code)"
                )
        # The document types and their shipped content, should a flushed database have lost them.
        catalogue_load(DocumentType, only_missing=True)
        content_load(DocumentType, Recommendation)
        questionnaire = demo_questionnaire_ensure(organization=organization)
        self.stdout.write(f"Demo questionnaire: {questionnaire.name}")
        clients = {u.email: u for u in User.objects.filter(email__in=PROFILES)}
        for session in demo_sessions_ensure(clients=clients, questionnaire=questionnaire):
            self.stdout.write(
                f"  completed by {session.user.email}: its documents wait for review (reviewer@demo.example)"
            )
