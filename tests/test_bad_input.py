"""Garbage posted to every form the site has gets a clean refusal: a 4xx, or the page again with its
error message. Never a server error, never a traceback.

The garbage: missing fields, wrong types (repeated values, numbers for text, text for numbers, JSON
where a word is expected), huge strings, NUL and control characters, bytes that are not UTF-8, a 20 MB
body, files that are not what they claim, and ids in URLs that are not UUIDs or name nothing.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.api_keys import api_key_create
from accounts.services import mfa_activate
from audit.models import AuditLog
from documents.models import DocumentStatus
from sessions_app import services as session_services
from sessions_app.models import Response
from tests.accounts.factories import PASSWORD, TOTP_SECRET, ReviewerFactory, UserFactory
from tests.accounts.helpers import login_post, login_with_mfa
from tests.documents.factories import DocumentFactory, DocumentTypeFactory
from tests.questionnaires.factories import QuestionFactory, choice_options
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db

HUGE = "x" * 1_000_000  # a megabyte in one field: over every field's limit, under the request's
TWENTY_MB = 20 * 1024 * 1024
NOT_UTF8 = b"\xff\xfe\xc3\x28\xa0\xa1"
# What a page shows when it refuses input: an error summary, a field's message, the admin's error note.
ERROR_MESSAGE = re.compile(
    r'class="errors"[^>]*>\s*<p>|class="error-summary"|class="errornote"|class="errorlist|role="alert"'
)


# ------------------------------------------------------------------ the garbage


def missing(fields):
    return {}


def wrong_types(fields):
    # Every field repeated, the last value a JSON object: QueryDict hands views the last one.
    return {name: ["12", "-1e309", '{"$gt": ""}'] for name in fields}


def numbers_and_words(fields):
    return {name: ("NaN" if index % 2 else "1" * 400) for index, name in enumerate(fields)}


def huge(fields):
    return {name: HUGE for name in fields}


def control_characters(fields):
    # Lone surrogates cannot even be encoded by a client; they arrive as "not UTF-8" bytes instead.
    return {name: "a\x00b\x1b[31m\u202e\ufeff<script>" for name in fields}


FORM_GARBAGE: dict[str, Callable] = {
    "missing fields": missing,
    "wrong types": wrong_types,
    "numbers and words": numbers_and_words,
    "huge strings": huge,
    "control characters": control_characters,
}
RAW_GARBAGE = ("not UTF-8", "not UTF-8 multipart", "20 MB body")


# ------------------------------------------------------------------ the forms


@dataclass
class Target:
    """One form: who posts it, where, its fields, and which garbage it may accept as a valid input."""

    client: Client
    url: str
    fields: list[str]
    # Garbage this form may take as valid input (saved, or nothing to do), with the statuses it answers.
    accepts: dict[str, tuple[int, ...]] = field(default_factory=dict)
    multipart: bool = False
    base: dict = field(default_factory=dict)  # sent with the garbage, so that it reaches the checks
    file_fields: list[str] = field(default_factory=list)  # where a garbage file goes


class World:
    """Organization A with a client mid-questionnaire, an MFA client, a reviewer and an admin."""

    def __init__(self, org_a, client_a, admin_user):
        self.org = org_a
        self.client_user = client_a
        self.admin_user = admin_user
        self.flow = branching_questionnaire(organization=org_a)
        section = self.flow.first
        self.questions = {
            "TEXT": self.flow.product_name,
            "NUMBER": self.flow.team_size,
            "SINGLE_CHOICE": self.flow.has_product,
            "EMAIL": self.flow.contact,
            "TEXTAREA": self.flow.product_story,
        }
        for index, (kind, extra) in enumerate(
            [
                ("URL", {}),
                ("DATE", {}),
                ("SCALE", {"validation_rules": {"min": 1, "max": 5}}),
                ("MULTIPLE_CHOICE", {"options": choice_options("Red", "Green")}),
                (
                    "MATRIX",
                    {
                        "options": choice_options("Low", "High"),
                        "metadata": {"rows": [{"id": "r1", "label": "Cost"}]},
                    },
                ),
                ("FILE_UPLOAD", {}),
            ]
        ):
            self.questions[kind] = QuestionFactory(
                section=section, order_index=20 + index, type=kind, **extra
            )
        self.session = session_services.session_start(user=client_a, questionnaire=self.flow.questionnaire)
        # Make the chained questions visible, so every one of them takes answers.
        session_services.response_save(
            session=self.session,
            question_id=str(self.flow.has_product.pk),
            data=None,
            value={"selectedOptionId": self.flow.yes},
        )
        session_services.response_save(
            session=self.session,
            question_id=str(self.flow.product_name.pk),
            data=None,
            value={"text": "Widget"},
        )

    def as_client(self) -> Client:
        client = Client()
        client.force_login(self.client_user)
        return client

    def as_admin(self) -> Client:
        return login_with_mfa(Client(), self.admin_user)

    def mfa_client(self) -> tuple[Client, object]:
        user = UserFactory(email="mfa-client@acme.example", organization=self.org)
        mfa_activate(user=user, secret=TOTP_SECRET, actor=user)
        client = Client()
        client.force_login(user)
        return client, user

    def reviewer_and_document(self):
        reviewer = ReviewerFactory(email="reviewer@acme.example", organization=self.org)
        document = DocumentFactory(
            session=self.session, document_type=DocumentTypeFactory(), status=DocumentStatus.PENDING_REVIEW
        )
        client = Client()
        client.force_login(reviewer)
        return client, document


def answer_target(kind: str) -> Callable[[World], Target]:
    def build(world: World) -> Target:
        question = world.questions[kind]
        name = f"q-{question.pk}"
        fields = [f"{name}.r1"] if kind == "MATRIX" else [name]
        # No answer clears it (200), and Django's parser drops multipart parts whose headers are not
        # UTF-8, which leaves no answer either. Free text takes any text, repeated values included; a
        # file question without a file keeps the file it has.
        accepts = {"missing fields": (200,), "not UTF-8 multipart": (200,)}
        if kind == "FILE_UPLOAD":
            accepts["not UTF-8"] = (200,)
        if kind in ("TEXT", "TEXTAREA"):
            accepts |= {
                g: (200,) for g in ("wrong types", "numbers and words", "control characters", "not UTF-8")
            }
        return Target(
            world.as_client(),
            reverse("sessions_app:answer", args=[world.session.pk, question.pk]),
            fields,
            accepts,
            multipart=True,
            file_fields=fields if kind == "FILE_UPLOAD" else [],
        )

    return build


def section_target(world: World) -> Target:
    questions = [q for q in world.questions.values() if q.section_id == world.flow.first.pk]
    fields = [f"q-{q.pk}" for q in questions if q.type not in ("FILE_UPLOAD", "MATRIX")]
    fields += [f"q-{q.pk}.r1" for q in questions if q.type == "MATRIX"]
    # Without a "present" id, no question was on the page: nothing is saved and the section is shown
    # again (302), which is what raw bytes get.
    return Target(
        world.as_client(),
        reverse("sessions_app:section", args=[world.session.pk, world.flow.first.pk]),
        fields,
        # No answer at all clears the section's answers, which is allowed (the required one is elsewhere).
        accepts={"missing fields": (302,), "not UTF-8": (302,), "not UTF-8 multipart": (302,)},
        multipart=True,
        base={"present": [str(q.pk) for q in questions], "direction": "next"},
        file_fields=[f"q-{q.pk}" for q in questions if q.type == "FILE_UPLOAD"],
    )


def mfa_login_target(world: World) -> Target:
    client, user = world.mfa_client()
    client.logout()
    assert login_post(client, user.email).status_code == 302  # the password step passed
    return Target(client, reverse("accounts:login_mfa"), ["code"])


def mfa_setup_target(world: World) -> Target:
    return Target(world.as_client(), reverse("accounts:mfa_setup"), ["code"])


def mfa_verify_target(world: World) -> Target:
    client = Client()
    client.force_login(world.admin_user)  # MFA not passed in this session: the page asks for a code
    return Target(client, reverse("accounts:mfa_verify"), ["code"])


def mfa_disable_target(world: World) -> Target:
    client, _ = world.mfa_client()
    return Target(client, reverse("accounts:mfa_disable"), ["disable-code"])


def recovery_codes_target(world: World) -> Target:
    client, _ = world.mfa_client()
    return Target(client, reverse("accounts:mfa_recovery_codes"), ["regenerate-code"])


def documents_target(action: str, fields: list[str], accepts=None) -> Callable[[World], Target]:
    def build(world: World) -> Target:
        client, document = world.reviewer_and_document()
        return Target(client, reverse(f"documents:{action}", args=[document.pk]), fields, accepts or {})

    return build


def anonymise_target(world: World) -> Target:
    other = UserFactory(email="leaving@acme.example", organization=world.org)
    url = reverse("accounts:gdpr_user_anonymise", args=[other.pk])
    return Target(world.as_admin(), url, ["confirm_email", "erase_approved_documents"])


def admin_import_target(world: World) -> Target:
    return Target(
        world.as_admin(),
        reverse("admin:questionnaires_questionnaire_import"),
        ["file", "organization"],
        multipart=True,
        file_fields=["file"],
    )


def admin_question_target(world: World) -> Target:
    url = reverse("admin:questionnaires_question_change", args=[world.questions["URL"].pk])
    fields = [
        "section",
        "text",
        "type",
        "options",
        "validation_rules",
        "order_index",
        "is_required",
        "metadata",
    ]
    return Target(world.as_admin(), url, fields)


QUESTION_TYPES = (
    *("TEXT", "TEXTAREA", "NUMBER", "EMAIL", "URL", "DATE"),
    *("SINGLE_CHOICE", "MULTIPLE_CHOICE", "SCALE", "MATRIX", "FILE_UPLOAD"),
)

TARGETS: dict[str, Callable[[World], Target]] = {
    "log in": lambda w: Target(Client(), reverse("accounts:login"), ["email", "password"]),
    "log in, second factor": mfa_login_target,
    "password reset": lambda w: Target(Client(), reverse("accounts:password_reset"), ["email"]),
    "password reset, new password": lambda w: Target(
        Client(), reverse("accounts:password_reset_confirm", args=["MQ", "set-password"]), ["new_password1"]
    ),
    "password change": lambda w: Target(
        w.as_client(), reverse("accounts:password_change"), ["old_password", "new_password1", "new_password2"]
    ),
    "account settings": lambda w: Target(
        w.as_client(),
        reverse("accounts:settings"),
        ["name"],
        accepts={"wrong types": (302,), "not UTF-8": (302,)},  # any text is a name
    ),
    "MFA set-up": mfa_setup_target,
    "MFA verify": mfa_verify_target,
    "MFA turn off": mfa_disable_target,
    "MFA new recovery codes": recovery_codes_target,
    "API keys": lambda w: Target(w.as_client(), reverse("api_keys:list"), ["name", "scopes", "expiry"]),
    "start a session": lambda w: Target(
        w.as_client(),
        reverse("sessions_app:start", args=[w.flow.questionnaire.pk]),
        ["industry"],
        # The session is already started: any industry leads back to it.
        accepts={g: (302,) for g in [*FORM_GARBAGE, *RAW_GARBAGE]},
    ),
    **{f"answer {kind}": answer_target(kind) for kind in QUESTION_TYPES},
    "section form": section_target,
    "complete": lambda w: Target(
        w.as_client(), reverse("sessions_app:complete", args=[w.session.pk]), ["confirm"]
    ),
    # A comment is optional free text, a reason required free text: any text under the limits is valid.
    "document approve": documents_target(
        "approve",
        ["comment"],
        accepts={g: (302,) for g in ("missing fields", "wrong types", "numbers and words", *RAW_GARBAGE[:2])},
    ),
    "document reject": documents_target(
        "reject",
        ["reason", "comments"],
        accepts={g: (302,) for g in ("wrong types", "numbers and words", "not UTF-8")},
    ),
    "document assign": documents_target("assign", ["assignee"]),
    "GDPR anonymise": anonymise_target,
    "admin questionnaire import": admin_import_target,
    "admin question change": admin_question_target,
}


def assert_refused_cleanly(response, target: Target, garbage: str):
    body = b"" if response.streaming else response.content
    text = body.decode("utf-8", "replace")
    status = response.status_code
    assert status < 500, f"{status} for {garbage}"
    assert "Traceback" not in text and "Exception Value" not in text
    if status in target.accepts.get(garbage, ()):
        return
    if 400 <= status < 500:
        return
    assert status == 200, f"{status} for {garbage}: {response.get('Location', '')}"
    assert ERROR_MESSAGE.search(text), f"200 without an error message for {garbage}"


@pytest.fixture
def world(org_a, client_a, admin_user, media_root):
    return World(org_a, client_a, admin_user)


def form_cases():
    for name in TARGETS:
        for garbage in FORM_GARBAGE:
            yield pytest.param(name, garbage, id=f"{name}-{garbage}")


@pytest.mark.parametrize(("name", "garbage"), list(form_cases()))
def test_garbage_in_a_form_is_refused_cleanly(world, name, garbage):
    target = TARGETS[name](world)
    data = FORM_GARBAGE[garbage](target.fields)
    if garbage != "missing fields":
        # A program that claims to be a PNG, under a name that climbs directories and reverses itself.
        for file_field in target.file_fields:
            data[file_field] = SimpleUploadedFile("../../\u202egnp.exe", b"MZ\x90\x00garbage", "image/png")
    response = target.client.post(target.url, {**target.base, **data})
    assert_refused_cleanly(response, target, garbage)


@pytest.mark.parametrize("garbage", RAW_GARBAGE)
@pytest.mark.parametrize("name", list(TARGETS))
def test_bytes_that_are_not_a_form_are_refused_cleanly(world, name, garbage):
    target = TARGETS[name](world)
    if garbage == "not UTF-8":
        body = b"&".join(f.encode() + b"=" + NOT_UTF8 + b"%FF%FE" for f in target.fields)
        response = target.client.post(target.url, body, content_type="application/x-www-form-urlencoded")
    elif garbage == "not UTF-8 multipart":
        boundary = "garbageboundary"
        parts = b"".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{f}"; filename="'.encode()
            + NOT_UTF8
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + NOT_UTF8
            + b"\r\n"
            for f in target.fields
        )
        body = parts + f"--{boundary}--\r\n".encode()
        response = target.client.post(
            target.url, body, content_type=f"multipart/form-data; boundary={boundary}"
        )
    else:
        body = target.fields[0].encode() + b"=" + b"x" * TWENTY_MB
        response = target.client.post(target.url, body, content_type="application/x-www-form-urlencoded")
    assert_refused_cleanly(response, target, garbage)


def test_a_20_mb_file_is_refused_by_the_upload_question_and_the_import(world):
    big = b"\x89PNG\r\n\x1a\n" + b"\x00" * TWENTY_MB
    question = world.questions["FILE_UPLOAD"]
    answer = world.as_client().post(
        reverse("sessions_app:answer", args=[world.session.pk, question.pk]),
        {f"q-{question.pk}": SimpleUploadedFile("big.png", big, "image/png")},
    )
    imported = world.as_admin().post(
        reverse("admin:questionnaires_questionnaire_import"),
        {"file": SimpleUploadedFile("big.json", b"{" + b" " * TWENTY_MB + b"}", "application/json")},
    )
    assert answer.status_code == 422 and "too large" in answer.content.decode()
    assert imported.status_code == 422 and "larger than 5 MB" in imported.content.decode()
    assert not Response.objects.filter(session=world.session, question=question, is_valid=True).exists()
    assert not default_storage.exists(f"uploads/{world.session.pk}")


@pytest.mark.parametrize(
    "content",
    [b"", b"not json at all", NOT_UTF8, b'{"name": "x", "sections": 7}', b"[" * 100_000, b'{"a": NaN}'],
    ids=["empty", "not JSON", "not UTF-8", "wrong types", "deeply nested", "NaN"],
)
def test_a_bad_questionnaire_file_is_refused_with_its_problems(world, content):
    response = world.as_admin().post(
        reverse("admin:questionnaires_questionnaire_import"),
        {"file": SimpleUploadedFile("../bad\x00.json", content, "application/json")},
    )
    assert response.status_code == 422
    assert ERROR_MESSAGE.search(response.content.decode())


# ------------------------------------------------------------------ ids in URLs


def bad_urls(world: World) -> list[str]:
    session, question, section = world.session.pk, world.questions["TEXT"].pk, world.flow.first.pk
    nothing = uuid.uuid4()
    return [
        "/sessions/not-a-uuid/",
        f"/sessions/{nothing}/",
        f"/sessions/{session}/sections/{nothing}/",
        f"/sessions/{session}/sections/%FF%FE/",
        f"/sessions/{session}/questions/{nothing}/answer/",
        f"/sessions/{session}/questions/1' OR '1'='1/answer/",
        f"/sessions/{session}/files/{question}/token/%FF%FE.png",
        f"/sessions/{session}/files/{question}/../../etc/passwd",
        f"/sessions/start/{nothing}/",
        f"/documents/{nothing}/approve/",
        "/documents/not-a-uuid/reject/",
        f"/account/api-keys/{nothing}/revoke/",
        "/account/api-keys/%00/revoke/",
        f"/account/privacy/users/{nothing}/anonymise/",
        "/reset/%FF%FE/set-password/",
        f"/admin/questionnaires/questionnaire/{nothing}/engine/",
        f"/admin/questionnaires/questionnaire/{nothing}/publish/",
        f"/api/v1/sessions/{nothing}/answers/{section}/",
        "/api/v1/sessions/not-a-uuid/",
    ]


def test_ids_in_urls_that_are_not_uuids_or_name_nothing_are_a_clean_404(world):
    client = world.as_admin()
    for url in bad_urls(world):
        for method in ("get", "post"):
            response = getattr(client, method)(url, {"x": "y"})
            text = response.content.decode("utf-8", "replace")
            assert "Traceback" not in text
            if url.startswith("/reset/"):  # the password-reset page says the link does not work
                assert response.status_code == 200 and 'role="alert"' in text, url
                continue
            assert response.status_code in (404, 405, 400), f"{method.upper()} {url}: {response.status_code}"


# ------------------------------------------------------------------ the API's answer endpoint


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"{not json", "application/json"),
        (NOT_UTF8, "application/json"),
        (b'{"value": 12}', "application/json"),
        (b'{"value": {"text": ["a", "b"]}}', "application/json"),
        (b'{"value": {"text": "x"}, "time_spent_seconds": "soon"}', "application/json"),
        (b'{"value": {"text": "' + b"x" * 2_000_000 + b'"}}', "application/json"),
        (b"value=text", "application/x-www-form-urlencoded"),
        (b"[" * 100_000, "application/json"),
        (b'{"value": ' + b"x" * TWENTY_MB + b"}", "application/json"),
    ],
    ids=[
        "empty",
        "not JSON",
        "not UTF-8",
        "a number for a value",
        "a list for text",
        "a word for seconds",
        "2 MB of text",
        "a form",
        "deeply nested",
        "20 MB",
    ],
)
def test_garbage_sent_to_the_api_gets_a_json_4xx(world, body, content_type):
    _, raw = api_key_create(user=world.client_user, name="Garbage", scopes=["sessions:write"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/sessions/{world.session.pk}/answers/{world.questions['TEXT'].pk}/"

    response = api.put(url, body, content_type=content_type)

    assert 400 <= response.status_code < 500, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert "error" in json.loads(response.content)


def test_nul_and_lone_surrogates_sent_to_the_api_are_cleaned_before_they_are_stored(world):
    _, raw = api_key_create(user=world.client_user, name="Garbage", scopes=["sessions:write"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    question = world.questions["TEXT"]
    body = b'{"value": {"text": "a\\u0000b\\ud800"}}'

    response = api.put(
        f"/api/v1/sessions/{world.session.pk}/answers/{question.pk}/", body, content_type="application/json"
    )

    assert response.status_code == 200
    assert Response.objects.get(session=world.session, question=question).value == {"text": "ab\ufffd"}


def test_nothing_was_written_by_refused_garbage(world):
    before_answers = Response.objects.filter(session=world.session).count()
    before_audit = AuditLog.objects.count()
    client = world.as_client()
    url = reverse("api_keys:list")
    for data in (missing(["name"]), huge(["name"]), control_characters(["name", "scopes"])):
        assert client.post(url, data).status_code == 422
    assert Response.objects.filter(session=world.session).count() == before_answers
    assert AuditLog.objects.count() == before_audit
    assert login_post(Client(), "client@acme.example", password=PASSWORD).status_code == 302  # still works
