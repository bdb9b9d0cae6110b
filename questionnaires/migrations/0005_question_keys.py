"""Give every existing question a readable key in ``metadata.key`` (questionnaires/keys.py).

A valid key that is unique in its questionnaire is kept; any other question gets one made from its
text, in display order, so the first of two questions with the same text keeps the plain key.
"""

from django.db import migrations

from questionnaires.keys import keys_assign


def question_keys_fill(apps, schema_editor):
    Question = apps.get_model("questionnaires", "Question")
    by_questionnaire: dict = {}
    rows = Question.objects.order_by(
        "section__questionnaire_id", "section__order_index", "order_index", "id"
    ).values_list("id", "section__questionnaire_id", "text", "metadata")
    for question_id, questionnaire_id, text, metadata in rows.iterator(chunk_size=2000):
        by_questionnaire.setdefault(questionnaire_id, []).append((str(question_id), text, metadata))
    changed = []
    for questions in by_questionnaire.values():
        keys = keys_assign(questions)
        for question_id, _, metadata in questions:
            metadata = metadata if isinstance(metadata, dict) else {}
            if metadata.get("key") != keys[question_id]:
                changed.append(Question(id=question_id, metadata={**metadata, "key": keys[question_id]}))
    Question.objects.bulk_update(changed, ["metadata"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("questionnaires", "0004_default_per_organization")]

    operations = [migrations.RunPython(question_keys_fill, migrations.RunPython.noop)]
