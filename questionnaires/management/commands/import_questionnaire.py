"""Import a questionnaire from an ``acqs-questionnaire/1`` JSON file (docs/questionnaire-format.md)."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Organization
from questionnaires.interchange import InterchangeError, json_file_read, questionnaire_import


class Command(BaseCommand):
    help = (
        "Import a questionnaire from an interchange JSON file and print its id. Invalid documents are "
        "reported problem by problem on stderr and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the JSON document")
        parser.add_argument(
            "--organization",
            metavar="SLUG",
            help="slug of the organization that owns the questionnaire (default: the shared catalogue)",
        )

    def handle(self, *args, file: str, organization: str | None = None, **options):
        owner = None
        if organization:
            owner = Organization.objects.filter(slug=organization).first()
            if owner is None:
                raise CommandError(f"There is no organization with the slug {organization!r}.")
        try:
            document = json_file_read(file)
        except InterchangeError as exc:
            raise CommandError(str(exc)) from None
        try:
            questionnaire = questionnaire_import(document, organization=owner)
        except InterchangeError as exc:
            for problem in exc.problems:
                self.stderr.write(problem)
            count = len(exc.problems)
            raise CommandError(
                f"{file}: {count} problem{'s' if count != 1 else ''}; nothing was imported."
            ) from None
        self.stdout.write(str(questionnaire.id))
