"""The API's strict string fields: a number sent where text or an id is expected is an error, not a guess."""

import uuid

import pytest
from rest_framework import serializers

from core.api_fields import StrictCharField, StrictUUIDField


class _Body(serializers.Serializer):
    industry = StrictCharField()
    note = StrictCharField(required=False, allow_null=True)
    questionnaire_id = StrictUUIDField()


def _errors(data: dict) -> dict:
    body = _Body(data=data)
    body.is_valid()
    return body.errors


def test_strings_are_taken_as_they_are():
    questionnaire_id = uuid.uuid4()
    body = _Body(data={"industry": "retail", "note": None, "questionnaire_id": str(questionnaire_id)})
    assert body.is_valid(), body.errors
    assert body.validated_data == {"industry": "retail", "note": None, "questionnaire_id": questionnaire_id}


@pytest.mark.parametrize("value", [0, 12.5, True, ["retail"], {"name": "retail"}])
def test_text_sent_as_another_json_type_is_refused(value):
    assert set(_errors({"industry": value, "questionnaire_id": str(uuid.uuid4())})) == {"industry"}


def test_drfs_own_char_field_would_have_turned_a_number_into_text():
    assert serializers.CharField().run_validation(0) == "0"  # what StrictCharField exists to refuse


# A uuid spelled as a number: a fixed one, so that every pytest-xdist worker collects the same test ids.
UUID_AS_NUMBER = uuid.UUID("6f1c7d4e-0a7b-4b8e-9c1d-2e3f4a5b6c7d").int


@pytest.mark.parametrize("value", [0, 1, UUID_AS_NUMBER, ["00000000-0000-0000-0000-000000000000"]])
def test_an_id_sent_as_anything_but_a_string_is_refused(value):
    assert set(_errors({"industry": "retail", "questionnaire_id": value})) == {"questionnaire_id"}


def test_an_id_string_that_is_no_uuid_is_refused():
    assert set(_errors({"industry": "retail", "questionnaire_id": "not-an-id"})) == {"questionnaire_id"}
