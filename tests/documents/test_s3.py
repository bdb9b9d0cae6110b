"""Documents in S3 (django-storages), against moto's real S3 HTTP server: stored under their key,
downloaded through a permission check and then a short-lived presigned URL.
"""

import hashlib
import urllib.request
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.urls import reverse

from documents import services
from documents.models import Document
from tests.documents.builders import LEGAL_NAME, complete_small_session, small_questionnaire
from tests.documents.test_views import as_user

pytestmark = pytest.mark.django_db

BUCKET = "acqs-documents-test"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, **CREDENTIALS).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint):
    """The storage settings of production with AWS_STORAGE_BUCKET_NAME set, pointed at moto."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "access_key": CREDENTIALS["aws_access_key_id"],
                "secret_key": CREDENTIALS["aws_secret_access_key"],
                "region_name": CREDENTIALS["region_name"],
                "default_acl": None,
                "querystring_auth": True,
                "signature_version": "s3v4",
            },
        },
    }
    return boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)


def test_a_generated_document_is_stored_in_s3_and_downloaded_through_a_presigned_url(
    s3_storage, client_a, org_a, reviewer_a, reviewer_b
):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME},
    )
    pdf = Document.objects.get(session=session, format="PDF")

    services.document_generate(document_id=pdf.pk)
    services.document_generate(document_id=pdf.pk)  # delivered twice: still one object

    pdf.refresh_from_db()
    listed = s3_storage.list_objects_v2(Bucket=BUCKET, Prefix=f"documents/{session.pk}/{pdf.pk}/")
    assert [item["Key"] for item in listed["Contents"]] == [pdf.storage_url]
    stored = s3_storage.get_object(Bucket=BUCKET, Key=pdf.storage_url)["Body"].read()
    assert stored.startswith(b"%PDF") and len(stored) == pdf.file_size

    assert as_user(client_a).get(reverse("documents:file", args=[pdf.pk])).status_code == 404
    assert as_user(reviewer_b).get(reverse("documents:file", args=[pdf.pk])).status_code == 404
    response = as_user(reviewer_a).get(reverse("documents:file", args=[pdf.pk]))

    assert response.status_code == 302
    query = parse_qs(urlsplit(response.url).query)
    assert query["X-Amz-Expires"] == ["60"]
    assert query["response-content-disposition"] == ['attachment; filename="business-plan-v1-draft.pdf"']
    with urllib.request.urlopen(response.url) as download:  # noqa: S310 - the local moto server
        assert download.read() == stored
        assert download.headers["Content-Disposition"] == 'attachment; filename="business-plan-v1-draft.pdf"'


def test_the_approved_final_is_stored_in_s3_beside_the_draft_and_is_what_the_client_gets(
    s3_storage, client_a, org_a, reviewer_a
):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME},
    )
    pdf = Document.objects.get(session=session, format="PDF")
    services.document_generate(document_id=pdf.pk)
    pdf.refresh_from_db()
    services.document_approve(document=pdf, reviewer=reviewer_a)
    services.document_generate(document_id=pdf.pk)  # the worker renders the final
    services.document_generate(document_id=pdf.pk)  # delivered twice: the final is not written again

    pdf.refresh_from_db()
    final = pdf.generation_metadata["final"]
    listed = s3_storage.list_objects_v2(Bucket=BUCKET, Prefix=f"documents/{session.pk}/{pdf.pk}/")
    assert sorted(item["Key"] for item in listed["Contents"]) == sorted([pdf.storage_url, final["key"]])
    stored = s3_storage.get_object(Bucket=BUCKET, Key=final["key"])["Body"].read()
    assert hashlib.sha256(stored).hexdigest() == final["sha256"]

    response = as_user(client_a).get(reverse("documents:file", args=[pdf.pk]))
    assert response.status_code == 302
    with urllib.request.urlopen(response.url) as download:  # noqa: S310 - the local moto server
        assert download.read() == stored
        assert download.headers["Content-Disposition"] == 'attachment; filename="business-plan-v1.pdf"'


def test_the_presigned_url_of_the_inline_preview_shows_the_pdf(s3_storage, client_a, org_a, reviewer_a):
    session = complete_small_session(
        user=client_a,
        questionnaire=small_questionnaire(organization=org_a),
        answers={"Legal name": LEGAL_NAME},
    )
    pdf = Document.objects.get(session=session, format="PDF")
    services.document_generate(document_id=pdf.pk)

    response = as_user(reviewer_a).get(reverse("documents:file", args=[pdf.pk]) + "?inline=1")

    query = parse_qs(urlsplit(response.url).query)
    assert query["response-content-disposition"][0].startswith("inline")
    assert query["response-content-type"] == ["application/pdf"]
