"""Show which questions a set of answers makes visible, hidden and required, without saving anything.

The questionnaire comes from an interchange JSON file (checked, never imported) or from the database.
"""

import json
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from questionnaires.interchange import (
    InterchangeError,
    answers_validate,
    json_file_read,
    structure_from_document,
)
from questionnaires.interchange_checks import questionnaire_validate
from questionnaires.models import Questionnaire
from questionnaires.structure import QuestionnaireStructure, engine_for, structure_load


class Command(BaseCommand):
    help = (
        "Evaluate a questionnaire's visibility rules for the given answers and print the visible, "
        "hidden and required question ids as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "source", metavar="FILE_OR_ID", help="an interchange JSON file, or the id of a questionnaire"
        )
        parser.add_argument(
            "--answers",
            metavar="ANSWERS.json",
            help="a JSON object mapping question ids to answers in the seed's shape (default: no answers)",
        )
        parser.add_argument("--industry", help="the respondent's industry; hides questions tagged for others")
        parser.add_argument("--trace", action="store_true", help="explain each question's outcome")

    def handle(self, *args, source: str, answers: str | None, industry: str | None, trace: bool, **options):
        structure = self._structure(source)
        given = {}
        if answers:
            try:
                raw = json_file_read(answers)
            except InterchangeError as exc:
                raise CommandError(str(exc)) from None
            given, problems = answers_validate(structure, raw)
            self._refuse(problems, f"{answers}: the answers do not fit the questionnaire")
        evaluation = engine_for(structure).evaluate(given, industry=industry or None)
        result = evaluation.as_dict()
        if trace:
            result["trace"] = {q.id: evaluation.trace[q.id].reason for q in structure.questions}
        self.stdout.write(json.dumps(result, indent=2))

    def _structure(self, source: str) -> QuestionnaireStructure:
        if not Path(source).exists():
            try:
                questionnaire_id = uuid.UUID(source)
            except ValueError:
                questionnaire_id = None
            if questionnaire_id is not None:
                try:
                    return structure_load(questionnaire_id)
                except Questionnaire.DoesNotExist:
                    raise CommandError(f"There is no questionnaire with the id {questionnaire_id}.") from None
        try:
            document = json_file_read(source)
        except InterchangeError as exc:
            raise CommandError(str(exc)) from None
        self._refuse(
            questionnaire_validate(document, check_database=False), f"{source}: the document is not valid"
        )
        return structure_from_document(document)

    def _refuse(self, problems: list[str], summary: str) -> None:
        if not problems:
            return
        for problem in problems:
            self.stderr.write(problem)
        raise CommandError(summary)
