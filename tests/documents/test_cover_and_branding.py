"""The cover names the client's company; an organization's logo, colours and footer reach both formats."""

import io

import docx
import pypdf
import pytest
from django.urls import reverse
from PIL import Image

from accounts.branding import branding_of
from audit.models import AuditLog
from documents import services
from documents.fetcher import RefusedURL, resource_url, static_path
from documents.models import Document, DocumentType
from documents.word import DRAFT_MARKING
from tests.accounts.helpers import login_with_mfa
from tests.documents.builders import LEGAL_NAME
from tests.documents.test_generation import docx_text, pdf_text, stored

pytestmark = pytest.mark.django_db

# A type the legal name is not mapped to: the cover finds the company by the question's key.
SLUG = "disaster-recovery-plan"


def png(color=(200, 16, 46), size=(120, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def generated(session, fmt) -> bytes:
    document = Document.objects.get(session=session, document_type__slug=SLUG, format=fmt)
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    return stored(document)


@pytest.fixture
def branded(org_a, admin_user, media_root):
    from accounts.services import organization_branding_set

    organization_branding_set(
        organization=org_a,
        primary_color="#c8102e",
        accent_color="#336699",
        footer="Confidential — prepared by Acme Advisory",
        logo=png(),
        actor=admin_user,
    )
    org_a.refresh_from_db()
    return org_a


def test_the_cover_names_the_clients_company_not_the_person(demo_session, client_a):
    cover_pdf = pdf_text(generated(demo_session, "PDF")).split("Executive summary")[0]
    assert f"Prepared for {LEGAL_NAME}" in cover_pdf
    assert client_a.display_name not in cover_pdf
    assert "Version" in cover_pdf and "Date" in cover_pdf
    word = docx_text(generated(demo_session, "DOCX"))
    assert f"Prepared for {LEGAL_NAME}" in word and f"Prepared for {client_a.display_name}" not in word


def _business_plan_cover(session) -> str:
    document = Document.objects.select_related("session", "document_type").get(
        session=session, document_type__slug="business-plan", format="PDF"
    )
    return pdf_text(services.document_render(document=document).payload).split("Purpose")[0]


def test_a_type_can_name_the_mapped_field_that_holds_the_company(small_session, client_a):
    # The small questionnaire's questions have no keys; its legal name is mapped as "legal_name".
    assert f"Prepared for {client_a.display_name}" in _business_plan_cover(small_session)
    business_plan = DocumentType.objects.get(slug="business-plan")
    business_plan.metadata = {**business_plan.metadata, "cover": {"company_field": "legal_name"}}
    business_plan.save()
    assert f"Prepared for {LEGAL_NAME}" in _business_plan_cover(small_session)


def test_the_pdf_carries_the_logo_colours_and_footer(branded, demo_session):
    reader = pypdf.PdfReader(io.BytesIO(generated(demo_session, "PDF")))
    assert len(reader.pages[0].images) == 1  # the logo, on the cover
    later = reader.pages[1].extract_text()
    assert "Confidential — prepared by Acme Advisory" in later
    assert "Page 2 of" in later


def test_the_word_file_has_the_logo_a_running_header_page_numbers_and_brand_headings(branded, demo_session):
    word = docx.Document(io.BytesIO(generated(demo_session, "DOCX")))
    assert len(word.inline_shapes) == 1
    section = word.sections[0]
    assert section.different_first_page_header_footer
    # Under review, the draft marking heads every page, the cover's included; the running header follows.
    assert section.header.paragraphs[0].text == section.first_page_header.paragraphs[0].text == DRAFT_MARKING
    assert (
        LEGAL_NAME in section.header.paragraphs[1].text
        and "Disaster Recovery Plan" in section.header.paragraphs[1].text
    )
    footer_xml = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml and 'w:instr="NUMPAGES"' in footer_xml
    assert "Confidential — prepared by Acme Advisory" in section.footer.paragraphs[0].text
    assert str(word.styles["Heading 1"].font.color.rgb) == "C8102E"
    assert [p.style.name for p in word.paragraphs if p.text == "Executive summary"] == ["Heading 1"]


def test_a_logo_missing_from_storage_leaves_the_cover_without_one(branded, demo_session):
    from django.core.files.storage import default_storage

    default_storage.delete(branding_of(branded).logo_key)
    reader = pypdf.PdfReader(io.BytesIO(generated(demo_session, "PDF")))
    assert len(reader.pages[0].images) == 0 and LEGAL_NAME in reader.pages[0].extract_text()


def test_a_document_cannot_name_a_resource_it_was_not_handed():
    with pytest.raises(RefusedURL):
        static_path(resource_url("logo"))  # outside a render that serves it, refused like any URL


# --- Setting the branding in the admin -----------------------------------------------------------


def _form(organization, **changes):
    data = {
        "name": organization.name,
        "slug": organization.slug,
        "settings": '{"industry": "technology"}',
        "primary_color": "#1f5fbf",
        "accent_color": "#5a6272",
        "footer": "",
        "initial-primary_color": "#1f5fbf",
        "initial-accent_color": "#5a6272",
    }
    data.update(changes)
    return data


def test_an_organizations_admin_sets_its_branding(client, admin_user, org_a, media_root):
    staff = login_with_mfa(client, admin_user)
    url = reverse("admin:accounts_organization_change", args=[org_a.pk])
    assert staff.get(url).status_code == 200
    logo = io.BytesIO(png())
    logo.name = "logo.png"
    response = staff.post(url, _form(org_a, primary_color="#C8102E", footer="Confidential", logo=logo))
    assert response.status_code == 302, response.context["adminform"].form.errors
    org_a.refresh_from_db()
    brand = branding_of(org_a)
    assert (brand.primary_color, brand.accent_color, brand.footer) == ("#c8102e", None, "Confidential")
    assert brand.logo_mime_type == "image/png" and brand.logo_key.startswith(f"branding/{org_a.pk}/")
    assert AuditLog.objects.filter(event="organization.branding", resource_id=org_a.pk).exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"primary_color": "red"}, "primary_color", "six hexadecimal digits"),
        ({"logo": ("logo.png", b"<svg onload=alert(1)>")}, "logo", "PNG or JPEG"),
        ({"logo": ("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * 600_000)}, "logo", "larger than"),
    ],
)
def test_bad_branding_is_an_error_next_to_the_field_and_changes_nothing(
    client, admin_user, org_a, media_root, changes, field, message
):
    staff = login_with_mfa(client, admin_user)
    if "logo" in changes:
        name, data = changes["logo"]
        changes["logo"] = io.BytesIO(data)
        changes["logo"].name = name
    before = dict(org_a.settings)
    response = staff.post(
        reverse("admin:accounts_organization_change", args=[org_a.pk]), _form(org_a, **changes)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors[field])
    org_a.refresh_from_db()
    assert org_a.settings == before
