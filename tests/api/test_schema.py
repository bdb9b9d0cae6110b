"""The OpenAPI schema, the documentation page, and a schemathesis run of the API against its schema.

Schemathesis drives the real WSGI application (`config.wsgi.application`) with an API key holding
every scope, inside the test's transaction. Generated examples are bounded and derandomized so the
run is deterministic and quick. Besides random positive and negative cases, some positive cases use
the ids of a real session and its questions, so success responses are checked against the schema
too, not only the 404s.
"""

import json
import re

import pytest
import schemathesis
from django.contrib.auth.models import Permission
from django.contrib.staticfiles import finders
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import UserRole
from config.wsgi import application
from documents import storage
from documents.models import DocumentStatus
from sessions_app import services
from tests.accounts.factories import UserFactory
from tests.documents.factories import DocumentFactory
from tests.sessions_app.factories import InvitationFactory

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
]


def test_the_schema_is_valid_openapi_3_and_lists_every_endpoint(client):
    response = client.get(reverse("api:schema") + "?format=json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate(document)
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/questionnaires/",
        "/api/v1/questionnaires/{questionnaire_id}/",
        "/api/v1/sessions/",
        "/api/v1/sessions/{session_id}/",
        "/api/v1/sessions/{session_id}/answers/{question_id}/",
        "/api/v1/sessions/{session_id}/complete/",
        "/api/v1/sessions/{session_id}/documents/",
        "/api/v1/documents/{document_id}/download/",
        "/api/v1/invitations/",
        "/api/v1/invitations/{invitation_id}/revoke/",
        "/api/v1/questionnaires/{questionnaire_id}/export/",
        "/api/v1/exports/{export_id}/",
        "/api/v1/exports/{export_id}/download/",
    }
    assert set(document["components"]["securitySchemes"]) >= {"bearerAuth", "apiKeyHeader"}


def test_the_answer_schema_lists_each_value_shape_once(client):
    document = json.loads(client.get(reverse("api:schema") + "?format=json").content)
    value = document["components"]["schemas"]["AnswerInputRequest"]["properties"]["value"]
    shapes = [json.dumps(s["properties"], sort_keys=True) for s in value["anyOf"]]
    assert len(shapes) == len(set(shapes)) == 8
    described = {s["description"] for s in value["anyOf"]}
    assert "For TEXT, TEXTAREA, EMAIL, URL questions." in described


def test_the_docs_page_loads_nothing_from_another_host(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png"):
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{name}"), name


# ----------------------------------------------------------------- schemathesis


@pytest.fixture
def wsgi_in_test_transaction():
    """Keep Django from closing the test's connection at the end of each WSGI request.

    Django's own test client does the same; without it a request would end the test's transaction.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(wsgi_in_test_transaction):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture
def world(make_key, client_a, flow, flow_b, client_b, media_root):
    """A key with every scope and a generous limit, and real ids to aim some requests at."""
    _, raw_key = make_key(client_a, rate_limit=1_000_000)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    services.session_start(user=client_b, questionnaire=flow_b.questionnaire)
    document = DocumentFactory(session=session, status=DocumentStatus.APPROVED, file_name="plan.pdf")
    document.storage_url = storage.document_write(key=f"documents/{document.pk}.pdf", payload=b"%PDF-1.4\n")
    document.save()
    return {
        "document_id": str(document.pk),
        "headers": {"Authorization": f"Bearer {raw_key}"},
        "questionnaire_id": str(flow.questionnaire.pk),
        "session_id": str(session.pk),
        "answers": [
            (str(flow.has_product.pk), {"selectedOptionId": flow.yes}),
            (str(flow.team_size.pk), {"number": 12}),
            (str(flow.contact.pk), None),
        ],
    }


OPERATIONS = [
    "GET /api/v1/questionnaires/",
    "GET /api/v1/questionnaires/{questionnaire_id}/",
    "GET /api/v1/sessions/",
    "POST /api/v1/sessions/",
    "GET /api/v1/sessions/{session_id}/",
    "PUT /api/v1/sessions/{session_id}/answers/{question_id}/",
    "POST /api/v1/sessions/{session_id}/answers/{question_id}/",
    "POST /api/v1/sessions/{session_id}/complete/",
    "GET /api/v1/sessions/{session_id}/documents/",
    "GET /api/v1/documents/{document_id}/download/",
]


def _strategies(operation, label, world):
    """Random cases of both kinds, and cases aimed at objects that exist, some with valid answers."""
    yield operation.as_strategy(GenerationMode.POSITIVE)
    yield operation.as_strategy(GenerationMode.NEGATIVE)
    names = re.findall(r"{(\w+)}", label)
    real = {name: world[name] for name in names if name != "question_id"}
    if "question_id" in names:
        for question_id, valid in world["answers"]:
            ids = {**real, "question_id": question_id}
            yield operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids)
            yield operation.as_strategy(GenerationMode.NEGATIVE, path_parameters=ids)
            yield operation.as_strategy(GenerationMode.POSITIVE, path_parameters=ids, body={"value": valid})
    elif real:
        yield operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real)
    if label == "POST /api/v1/sessions/":
        body = {"questionnaire_id": world["questionnaire_id"]}
        yield operation.as_strategy(GenerationMode.POSITIVE, body=body)
    if label == "POST /api/v1/invitations/":
        body = {"email": "schema@example.com", "questionnaire_id": world["questionnaire_id"]}
        yield operation.as_strategy(GenerationMode.POSITIVE, body=body)


@pytest.mark.parametrize("label", OPERATIONS)
def test_the_api_never_errors_and_always_matches_its_schema(label, api_schema, world):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @given(case=st.one_of(list(_strategies(operation, label, world))))
    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=world["headers"], checks=CHECKS)

    run()


@pytest.fixture
def staff_world(make_key, org_a, flow):
    """A key of organization A's staff who may invite, and an invitation of theirs to aim requests at."""
    staff = UserFactory(organization=org_a, role=UserRole.DEVELOPER)
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="sessions_app", codename__endswith="_invitation")
    )
    _, raw_key = make_key(staff, rate_limit=1_000_000)
    invitation = InvitationFactory(organization=org_a, questionnaire=flow.questionnaire)
    return {
        "headers": {"Authorization": f"Bearer {raw_key}"},
        "invitation_id": str(invitation.pk),
        "questionnaire_id": str(flow.questionnaire.pk),
    }


INVITATION_OPERATIONS = [
    "GET /api/v1/invitations/",
    "POST /api/v1/invitations/",
    "POST /api/v1/invitations/{invitation_id}/revoke/",
]


@pytest.mark.parametrize("label", INVITATION_OPERATIONS)
@pytest.mark.parametrize("who", ["staff", "client"])
def test_the_invitations_api_never_errors_and_matches_its_schema(label, who, api_schema, staff_world, world):
    """Staff who may invite get 200/201/400/404/409; a client's key, the documented 403."""
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label
    headers = staff_world["headers"] if who == "staff" else world["headers"]

    @given(case=st.one_of(list(_strategies(operation, label, staff_world))))
    @settings(
        max_examples=40,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.fixture
def exporter_world(make_key, org_a, flow, world):
    """A key of organization A's staff who may export, and an export of theirs to aim requests at."""
    from sessions_app.export_models import ResponseExport

    staff = UserFactory(organization=org_a, role=UserRole.DEVELOPER)
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="sessions_app", codename__endswith="_responseexport"
        )
    )
    _, raw_key = make_key(staff, rate_limit=1_000_000)
    export = ResponseExport.objects.create(organization=org_a, questionnaire=flow.questionnaire, format="csv")
    return {
        "headers": {"Authorization": f"Bearer {raw_key}"},
        "export_id": str(export.pk),
        "questionnaire_id": str(flow.questionnaire.pk),
    }


EXPORT_OPERATIONS = [
    "GET /api/v1/questionnaires/{questionnaire_id}/export/",
    "GET /api/v1/exports/{export_id}/",
    "GET /api/v1/exports/{export_id}/download/",
]


@pytest.mark.parametrize("label", EXPORT_OPERATIONS)
def test_the_exports_api_never_errors_and_matches_its_schema(label, api_schema, exporter_world):
    operation = api_schema.find_operation_by_label(label)
    assert operation is not None, label

    @given(case=st.one_of(list(_strategies(operation, label, exporter_world))))
    @settings(
        max_examples=30,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=exporter_world["headers"], checks=CHECKS)

    run()
