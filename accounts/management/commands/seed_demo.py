"""Create the demo organization, its accounts and demo content; safe to run again."""

from django.core.management.base import BaseCommand

from accounts.demo import demo_accounts_ensure
from questionnaires.demo import demo_questionnaire_ensure


class Command(BaseCommand):
    help = "Create the demo organization and accounts (idempotent) and print the logins."

    def handle(self, *args, **options):
        organization, logins = demo_accounts_ensure()
        self.stdout.write(f"Demo organization: {organization.name}")
        for login in logins:
            self.stdout.write(f"  {login.role:<9} {login.email:<24} password: {login.password}")
        self.stdout.write(f"Demo questionnaire: {demo_questionnaire_ensure(organization=organization).name}")
