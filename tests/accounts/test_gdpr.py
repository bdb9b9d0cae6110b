"""GDPR: a user downloads their data; an administrator downloads or anonymises a user's, from the admin.

Anonymisation removes the personal data and keeps the organization's records; the audit trail is never
rewritten, and its chain still verifies afterwards.
"""

import io
import json
import uuid

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import gdpr
from accounts.api_keys import api_key_create, api_key_revoke
from accounts.models import ApiKey, MfaRecoveryCode, Organization, User
from accounts.services import login_record_success, mfa_activate
from audit.models import AuditLog
from audit.services import audit_chain_verify
from documents import storage as document_storage
from documents.models import Document, DocumentStatus
from documents.selectors import documents_for_session
from sessions_app.models import Response, ResponseArchive, Session, SessionArchive
from tests.accounts.factories import TOTP_SECRET, AdminFactory
from tests.accounts.helpers import login_post, login_with_mfa
from tests.documents.factories import DocumentFactory, DocumentTypeFactory
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import ResponseArchiveFactory, SessionArchiveFactory, SessionFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% a document for tests\n%%EOF\n"


class Story:
    """Everything a client of organization A leaves behind: answers, a file, documents, keys, MFA."""

    def __init__(self, user):
        self.user = user
        self.flow = branching_questionnaire(organization=user.organization)
        self.upload_question = QuestionFactory(
            section=self.flow.first, order_index=8, type="FILE_UPLOAD", text="Your org chart"
        )
        self.url_question = QuestionFactory(
            section=self.flow.first, order_index=9, type="URL", text="Website"
        )
        self.session = SessionFactory(
            user=user,
            questionnaire=self.flow.questionnaire,
            status="COMPLETED",
            completed_at=timezone.now(),
            metadata={
                "userAgent": "Mozilla/5.0 (Jo's laptop)",
                "deviceType": "desktop",
                "referrer": "https://x.example/",
            },
        )
        self.answers = {
            "choice": self.answer(self.flow.has_product, {"selectedOptionId": self.flow.yes}),
            "text": self.answer(self.flow.product_name, {"text": "Jo Bloggs Consulting"}),
            "number": self.answer(self.flow.team_size, {"number": 12}),
            "textarea": self.answer(self.flow.product_story, {"text": "Started by Jo in her kitchen."}),
            "email": self.answer(self.flow.contact, {"text": "jo@bloggs.example"}),
            "url": self.answer(self.url_question, {"text": "https://jo.example/"}),
        }
        token, name = uuid.uuid4().hex, "jo-bloggs-org-chart.png"
        self.upload_key = f"uploads/{self.session.pk}/{self.upload_question.pk}/{token}/{name}"
        default_storage.save(self.upload_key, ContentFile(b"\x89PNG chart"))
        file_url = reverse("sessions_app:file", args=[self.session.pk, self.upload_question.pk, token, name])
        self.answers["file"] = self.answer(
            self.upload_question,
            {"fileUrl": file_url, "fileName": name, "fileSize": 10, "mimeType": "image/png"},
        )
        document_type = DocumentTypeFactory(name="Business Plan", slug="business-plan-gdpr")
        self.approved = self.document(document_type, version=1, status=DocumentStatus.APPROVED)
        self.rejected = self.document(
            DocumentTypeFactory(name="Roadmap", slug="roadmap-gdpr"),
            version=1,
            status=DocumentStatus.REJECTED,
        )
        archived = SessionArchiveFactory(
            user=user, questionnaire=self.flow.questionnaire, metadata={"userAgent": "Old browser"}
        )
        self.archived_text = ResponseArchiveFactory(
            session=archived,
            question=QuestionFactory(section=self.flow.second, type="TEXTAREA", text="Anything else?"),
            value={"text": "An archived note by Jo"},
        )
        self.archived_upload_key = f"uploads/{archived.pk}/{uuid.uuid4()}/{token}/old.pdf"
        default_storage.save(self.archived_upload_key, ContentFile(b"%PDF old"))
        self.key, self.raw_key = api_key_create(user=user, name="Jo's CRM sync", scopes=["sessions:read"])
        api_key_create(user=user, name="Jo's spare key", scopes=["questionnaires:read"])
        self.recovery_codes = mfa_activate(user=user, secret=TOTP_SECRET, actor=user)
        login_record_success(user=user, ip="203.0.113.7", method="totp")
        user.refresh_from_db()

    def answer(self, question, value):
        return Response.objects.create(session=self.session, question=question, value=value)

    def document(self, document_type, *, version, status):
        document = DocumentFactory(
            session=self.session,
            document_type=document_type,
            status=status,
            version=version,
            format="PDF",
            file_name=f"{document_type.slug}-v{version}.pdf",
            generated_at=timezone.now(),
        )
        key = document_storage.document_key(
            session_id=self.session.pk,
            document_id=document.pk,
            version=version,
            slug=document_type.slug,
            extension="pdf",
        )
        document.storage_url = document_storage.document_write(key=key, payload=PDF)
        document.file_size = len(PDF)
        document.save()
        return document


@pytest.fixture
def story(client_a, media_root):
    client_a.profile = {"name": "Jo Bloggs", "phone": "+44 20 7946 0000"}
    client_a.preferences = {"theme": "dark"}
    client_a.save()
    return Story(client_a)


def export_of(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    assert response.streaming
    body = b"".join(response.streaming_content)
    return body, json.loads(body)


# ------------------------------------------------------------------ export: the user's own data


def test_the_account_page_offers_the_export(client, client_a):
    client.force_login(client_a)
    page = client.get(reverse("accounts:settings")).content.decode()
    assert reverse("accounts:gdpr_export") in page
    assert "Export my data" in page


def test_a_user_downloads_everything_stored_about_them_as_one_json_file(client, story):
    client.force_login(story.user)

    response = client.post(reverse("accounts:gdpr_export"))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="personal-data-{story.user.pk}-{timezone.now():%Y-%m-%d}.json"'
    )
    assert "no-store" in response["Cache-Control"]
    body, data = export_of(response)
    assert data["format"] == gdpr.EXPORT_FORMAT
    assert data["user"]["email"] == "client@acme.example"
    assert data["user"]["profile"] == {"name": "Jo Bloggs", "phone": "+44 20 7946 0000"}
    assert data["user"]["last_login_ip"] == "203.0.113.7"
    assert data["organization"]["name"] == "Acme Advisory"
    assert data["two_factor_authentication"]["enabled"] is True
    assert data["two_factor_authentication"]["recovery_codes_unused"] == 10

    [session] = data["sessions"]
    answers = {a["question"]["text"]: a for a in session["answers"]}
    assert answers["Product name"]["value"] == {"text": "Jo Bloggs Consulting"}
    assert answers["Team size"]["value"] == {"number": 12}
    assert answers["Do you have a product?"]["value"] == {"selectedOptionId": story.flow.yes}
    assert answers["Do you have a product?"]["question"]["type"] == "SINGLE_CHOICE"
    assert answers["Your org chart"]["value"]["fileName"] == "jo-bloggs-org-chart.png"
    assert session["questionnaire"]["name"] == story.flow.questionnaire.name
    documents = {d["type"]["name"]: d for d in session["documents"]}
    assert documents["Business Plan"]["status"] == "APPROVED"
    assert documents["Business Plan"]["download_url"] == (
        f"http://testserver{reverse('documents:file', args=[story.approved.pk])}"
    )
    assert documents["Roadmap"]["download_url"] is None  # the organization's draft, not the client's
    assert data["archived_sessions"][0]["answers"][0]["value"] == {"text": "An archived note by Jo"}
    keys = {k["name"]: k for k in data["api_keys"]}
    assert keys["Jo's CRM sync"]["prefix"] == story.key.key_prefix
    assert keys["Jo's CRM sync"]["scopes"] == ["sessions:read"]

    actions = [row["action"] for row in data["audit_log"]]
    assert {"api_key.create", "mfa.enable", "auth.login", "gdpr.export"} <= set(actions)
    login = next(row for row in data["audit_log"] if row["action"] == "auth.login")
    assert login["actor"] == "this user"


def test_the_export_holds_no_secret_and_no_hash(client, story):
    client.force_login(story.user)
    body, _ = export_of(client.post(reverse("accounts:gdpr_export")))
    text = body.decode()

    story.user.refresh_from_db()
    assert story.user.password not in text
    assert story.user.mfa_secret not in text and TOTP_SECRET not in text
    for key in ApiKey.objects.filter(user=story.user):
        assert key.key_hash not in text
    assert story.raw_key not in text
    for code in MfaRecoveryCode.objects.filter(user=story.user):
        assert code.code_hash not in text
    assert not any(code in text for code in story.recovery_codes)


def test_someone_elses_requests_about_the_user_are_listed_without_their_address(client, story, admin_user):
    api_key_revoke(api_key=story.key, actor=admin_user)
    client.force_login(story.user)

    _, data = export_of(client.post(reverse("accounts:gdpr_export")))

    revoke = next(row for row in data["audit_log"] if row["action"] == "api_key.revoke")
    assert revoke["actor"] == "another user"
    assert "ip_address" not in revoke and "user_agent" not in revoke
    assert str(admin_user.pk) not in json.dumps(revoke)


def test_the_export_is_recorded_in_the_audit_log_with_actor_and_subject(client, client_a):
    client.force_login(client_a)
    export_of(client.post(reverse("accounts:gdpr_export")))

    row = AuditLog.objects.get(event="gdpr.export")
    assert row.actor_id == client_a.pk
    assert row.resource_type == "accounts.user" and row.resource_id == client_a.pk
    assert row.changes["after"] == {"subject": str(client_a.pk), "by": "self"}
    assert client_a.email not in row.object_repr


def test_the_export_is_a_post_by_a_logged_in_user(client, client_a):
    anonymous = client.post(reverse("accounts:gdpr_export"))
    assert anonymous.status_code == 302 and reverse("accounts:login") in anonymous["Location"]
    client.force_login(client_a)
    assert client.get(reverse("accounts:gdpr_export")).status_code == 405
    assert not AuditLog.objects.filter(event="gdpr.export").exists()


# ------------------------------------------------------------------ export: administrators


def test_the_users_admin_page_links_to_their_personal_data(client, admin_user, client_a):
    login_with_mfa(client, admin_user)
    page = client.get(reverse("admin:accounts_user_change", args=[client_a.pk])).content.decode()
    assert reverse("accounts:gdpr_user", args=[client_a.pk]) in page


def test_an_admin_sees_what_is_stored_and_downloads_it(client, admin_user, story):
    login_with_mfa(client, admin_user)

    page = client.get(reverse("accounts:gdpr_user", args=[story.user.pk]))
    body, data = export_of(client.post(reverse("accounts:gdpr_user_export", args=[story.user.pk])))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Personal data of client@acme.example" in html
    assert "8, of which 5 typed as free text" in html  # 7 answers and 1 archived; 4 texts and 1 archived
    assert reverse("accounts:gdpr_user_anonymise", args=[story.user.pk]) in html
    assert data["user"]["id"] == str(story.user.pk)
    row = AuditLog.objects.get(event="gdpr.export")
    assert row.actor_id == admin_user.pk and row.resource_id == story.user.pk
    assert row.changes["after"]["by"] == "administrator"


def test_the_admin_action_downloads_the_one_selected_user(client, admin_user, client_a, client_b):
    login_with_mfa(client, admin_user)
    changelist = reverse("admin:accounts_user_changelist")

    one = client.post(changelist, {"action": "export_personal_data", "_selected_action": [client_a.pk]})
    two = client.post(
        changelist,
        {"action": "export_personal_data", "_selected_action": [client_a.pk, client_b.pk]},
        follow=True,
    )

    _, data = export_of(one)
    assert one["Content-Disposition"].startswith("attachment;")
    assert data["user"]["email"] == client_a.email
    assert "Select exactly one user" in two.content.decode()
    assert AuditLog.objects.filter(event="gdpr.export").count() == 1


def test_staff_of_another_organization_and_clients_find_no_such_page(client, client_a, client_b):
    other_admin = AdminFactory(
        email="admin@borealis.example", organization=client_b.organization, is_superuser=False
    )
    other_admin.user_permissions.add(*Permission.objects.filter(codename__in=["view_user", "change_user"]))
    mfa_activate(user=other_admin, secret=TOTP_SECRET, actor=None)
    login_with_mfa(client, other_admin)
    urls = [
        reverse("accounts:gdpr_user", args=[client_a.pk]),
        reverse("accounts:gdpr_user_anonymise", args=[client_a.pk]),
    ]
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(reverse("accounts:gdpr_user_export", args=[client_a.pk])).status_code == 404
    # Their own organization's users are theirs to handle.
    assert client.get(reverse("accounts:gdpr_user", args=[client_b.pk])).status_code == 200

    client.force_login(client_b)
    assert [client.get(url).status_code for url in urls] == [404, 404]


def test_staff_without_permission_to_change_users_cannot_anonymise(client, org_a, client_a):
    viewer = AdminFactory(email="viewer@acme.example", organization=org_a, is_superuser=False)
    viewer.user_permissions.add(Permission.objects.get(codename="view_user"))
    mfa_activate(user=viewer, secret=TOTP_SECRET, actor=None)
    login_with_mfa(client, viewer)

    assert client.get(reverse("accounts:gdpr_user", args=[client_a.pk])).status_code == 200
    assert client.get(reverse("accounts:gdpr_user_anonymise", args=[client_a.pk])).status_code == 403


def test_the_administrators_pages_ask_for_the_second_factor_first(client, admin_user, client_a):
    client.force_login(admin_user)  # logged in, MFA not passed in this session
    url = reverse("accounts:gdpr_user", args=[client_a.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:mfa_verify"))
    assert not AuditLog.objects.filter(event="gdpr.export").exists()


# ------------------------------------------------------------------ anonymisation


def anonymise(user, actor, *, django_capture_on_commit_callbacks, **options):
    with django_capture_on_commit_callbacks(execute=True):
        return gdpr.user_anonymise(user=user, actor=actor, **options)


def test_anonymising_removes_the_personal_data_and_keeps_the_organizations_records(
    story, admin_user, django_capture_on_commit_callbacks
):
    user = story.user
    old_email = user.email
    ct = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(
        user=admin_user, content_type=ct, object_id=str(user.pk), object_repr=old_email, action_flag=CHANGE
    )

    documents_for_session(session=story.session)  # the client's document list, now cached in Redis

    done = anonymise(user, admin_user, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    user = User.all_objects.get(pk=user.pk)
    assert gdpr.ANONYMISED_EMAIL.match(user.email)
    assert user.profile == {} and user.preferences == {}
    assert not user.has_usable_password()
    assert user.mfa_secret is None and user.mfa_enabled is False
    assert user.last_login_ip is None
    assert user.is_active is False and user.deleted_at is not None
    assert not User.objects.filter(pk=user.pk).exists()  # soft-deleted: gone from every default query
    assert not MfaRecoveryCode.objects.filter(user=user).exists()
    assert not User.all_objects.filter(email__iexact=old_email).exists()
    assert LogEntry.objects.get(object_id=str(user.pk)).object_repr == user.email

    answers = {key: Response.objects.get(pk=row.pk).value for key, row in story.answers.items()}
    for kind in ("text", "textarea", "email", "url"):
        assert answers[kind] == {"text": "[removed]"}, kind
    assert answers["choice"] == {"selectedOptionId": story.flow.yes}
    assert answers["number"] == {"number": 12}
    assert answers["file"]["fileName"] == "[removed]" and answers["file"]["fileUrl"] == "[removed]"
    assert ResponseArchive.objects.get(pk=story.archived_text.pk).value == {"text": "[removed]"}
    assert not default_storage.exists(story.upload_key)
    assert not default_storage.exists(story.archived_upload_key)
    assert Session.objects.get(pk=story.session.pk).metadata == {"deviceType": "desktop"}
    assert SessionArchive.objects.get(user=user).metadata == {}

    approved = Document.objects.get(pk=story.approved.pk)
    rejected = Document.objects.get(pk=story.rejected.pk)
    assert approved.storage_url and document_storage.document_exists(approved.storage_url)
    assert rejected.storage_url is None and rejected.file_size is None
    assert not document_storage.document_exists(story.rejected.storage_url)
    listed = {d.pk: d for d in documents_for_session(session=story.session)}
    assert listed[story.rejected.pk].storage_url is None  # not the cached row that still had a file

    keys = ApiKey.objects.filter(user=user)
    assert keys.count() == 2
    assert all(key.revoked_at is not None and key.name == "[removed]" for key in keys)
    assert (done.free_text_answers, done.uploaded_files, done.api_keys_revoked) == (5, 1, 2)
    assert (done.documents_erased, done.documents_kept) == (1, 1)


def test_the_audit_trail_is_untouched_and_its_chain_still_verifies(
    story, admin_user, django_capture_on_commit_callbacks
):
    before = {row.pk: (row.signature, row.actor_id) for row in AuditLog.objects.all()}
    by_user = AuditLog.objects.filter(actor=story.user).count()
    assert by_user > 0

    anonymise(story.user, admin_user, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    after = {row.pk: (row.signature, row.actor_id) for row in AuditLog.objects.all()}
    assert {pk: after[pk] for pk in before} == before  # no row changed, none removed
    assert AuditLog.objects.filter(actor_id=story.user.pk).count() == by_user  # still the same user id
    report = audit_chain_verify()
    assert report.intact, report.summary()
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "intact" in out.getvalue()

    row = AuditLog.objects.get(event="gdpr.anonymise")
    assert row.actor_id == admin_user.pk and row.resource_id == story.user.pk
    assert row.changes["after"]["free_text_answers"] == 5
    assert row.changes["after"]["erase_approved_documents"] is False
    assert row.object_repr == ""  # a user is named by resource_id alone


def test_approved_documents_go_too_when_the_administrator_says_so(
    story, admin_user, django_capture_on_commit_callbacks
):
    key = story.approved.storage_url

    done = anonymise(
        story.user,
        admin_user,
        erase_approved_documents=True,
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )

    assert (done.documents_erased, done.documents_kept) == (2, 0)
    assert Document.objects.get(pk=story.approved.pk).storage_url is None
    assert not document_storage.document_exists(key)


def test_the_anonymised_user_is_logged_out_and_cannot_log_in_or_use_a_key(
    client, story, admin_user, django_capture_on_commit_callbacks
):
    client.force_login(story.user)
    assert client.get(reverse("accounts:settings")).status_code == 200
    anonymise(story.user, admin_user, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert client.get(reverse("accounts:settings")).status_code == 302
    refused = login_post(Client(), "client@acme.example")
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {story.raw_key}")
    assert api.get("/api/v1/sessions/").status_code in (401, 403)


def test_anonymising_twice_is_refused(client_a, admin_user, media_root, django_capture_on_commit_callbacks):
    anonymise(client_a, admin_user, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    with pytest.raises(gdpr.GdprError):
        gdpr.user_anonymise(user=client_a, actor=admin_user)
    assert AuditLog.objects.filter(event="gdpr.anonymise").count() == 1


def test_the_confirmation_page_needs_the_users_address_typed(client, admin_user, story, media_root):
    login_with_mfa(client, admin_user)
    url = reverse("accounts:gdpr_user_anonymise", args=[story.user.pk])

    page = client.get(url)
    wrong = client.post(url, {"confirm_email": "someone@else.example"})
    missing = client.post(url, {})

    assert page.status_code == 200
    assert "This cannot be undone" in page.content.decode()
    assert wrong.status_code == 422 and "not this user&#x27;s e-mail address" in wrong.content.decode()
    assert missing.status_code == 422
    assert User.objects.filter(pk=story.user.pk).exists()
    assert not AuditLog.objects.filter(event="gdpr.anonymise").exists()


def test_an_admin_anonymises_a_user_from_the_admin(
    client, admin_user, story, django_capture_on_commit_callbacks
):
    login_with_mfa(client, admin_user)
    changelist = reverse("admin:accounts_user_changelist")

    chosen = client.post(changelist, {"action": "anonymise", "_selected_action": [story.user.pk]})
    assert chosen.status_code == 302
    assert chosen["Location"] == reverse("accounts:gdpr_user_anonymise", args=[story.user.pk])
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(chosen["Location"], {"confirm_email": "Client@Acme.example"}, follow=True)

    assert done.redirect_chain[-1][0] == changelist
    assert f"User {story.user.pk} is anonymised" in done.content.decode()
    assert "client@acme.example" not in done.content.decode()
    assert User.all_objects.get(pk=story.user.pk).email.startswith("anonymised-")
    assert not default_storage.exists(story.upload_key)


def test_an_admin_cannot_anonymise_themselves(client, admin_user):
    login_with_mfa(client, admin_user)
    changelist = reverse("admin:accounts_user_changelist")

    by_action = client.post(
        changelist, {"action": "anonymise", "_selected_action": [admin_user.pk]}, follow=True
    )
    by_page = client.post(
        reverse("accounts:gdpr_user_anonymise", args=[admin_user.pk]), {"confirm_email": admin_user.email}
    )

    assert "cannot anonymise your own account" in by_action.content.decode()
    assert by_page.status_code == 302
    assert User.objects.filter(pk=admin_user.pk, is_active=True).exists()


def test_an_anonymised_user_is_no_longer_found_by_the_gdpr_pages(
    client, admin_user, client_a, media_root, django_capture_on_commit_callbacks
):
    anonymise(client_a, admin_user, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    login_with_mfa(client, admin_user)
    assert client.get(reverse("accounts:gdpr_user", args=[client_a.pk])).status_code == 404


def test_a_user_of_another_organization_keeps_everything(
    client_b, admin_user, story, django_capture_on_commit_callbacks
):
    other = SessionFactory(user=client_b, questionnaire=story.flow.questionnaire)
    kept = Response.objects.create(
        session=other, question=story.flow.product_name, value={"text": "Borealis"}
    )

    anonymise(story.user, admin_user, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert Response.objects.get(pk=kept.pk).value == {"text": "Borealis"}
    assert User.objects.get(pk=client_b.pk).email == "client@borealis.example"
    assert Organization.objects.filter(slug="acme", deleted_at__isnull=True).exists()
