"""The demo questionnaire, a Technology and Business Assessment, loaded idempotently by seed_demo.

Its content lives in questionnaires/demo/technology_assessment.json, in the interchange format, so
the demo also exercises the import path every other questionnaire takes.
"""

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import Organization
from questionnaires.interchange import questionnaire_import
from questionnaires.models import Questionnaire

DEMO_QUESTIONNAIRE_PATH = Path(__file__).resolve().parent / "demo" / "technology_assessment.json"


def demo_questionnaire_document() -> dict[str, Any]:
    """Return the demo questionnaire's interchange document, as the file holds it."""
    return json.loads(DEMO_QUESTIONNAIRE_PATH.read_text(encoding="utf-8"))


@transaction.atomic
def demo_questionnaire_ensure(*, organization: Organization) -> Questionnaire:
    """Return the demo questionnaire, importing it (published, the default) the first time."""
    document = demo_questionnaire_document()
    existing = Questionnaire.objects.filter(pk=document["id"]).first()
    if existing is not None:
        return existing
    document.update(is_default=True, published_at=timezone.now().isoformat())
    return questionnaire_import(document, organization=organization)
