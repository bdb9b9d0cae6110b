"""Write a questionnaire in the ``acqs-questionnaire/1`` JSON format (docs/questionnaire-format.md)."""

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questionnaires.interchange import questionnaire_export
from questionnaires.models import Questionnaire


class Command(BaseCommand):
    help = "Export a questionnaire, with its sections, questions and rules, as interchange JSON."

    def add_arguments(self, parser):
        parser.add_argument("questionnaire_id", metavar="ID", help="id (UUID) of the questionnaire")
        parser.add_argument("--output", metavar="FILE", help="write to this file instead of stdout")

    def handle(self, *args, questionnaire_id: str, output: str | None = None, **options):
        try:
            pk = uuid.UUID(questionnaire_id)
        except ValueError:
            raise CommandError(f"{questionnaire_id!r} is not a questionnaire id (a UUID).") from None
        questionnaire = Questionnaire.objects.filter(pk=pk).first()
        if questionnaire is None:
            raise CommandError(f"There is no questionnaire with the id {pk}.")
        text = json.dumps(questionnaire_export(questionnaire), indent=2, ensure_ascii=False) + "\n"
        if not output:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"{output}: cannot be written ({exc.strerror or exc}).") from None
