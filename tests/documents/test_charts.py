"""Charts: a matrix answer drawn as bars, SVG in the PDF and PNG in Word, with its figures in words."""

import io

import docx
import pypdf
import pytest
from PIL import Image

from documents import services
from documents.charts import PRINT_DPI, matrix_chart
from documents.models import Document
from documents.rendering import Answer
from tests.documents.test_generation import stored

PRACTICES = Answer(
    field="practices",
    label="Engineering practices",
    question_id="q",
    question_text="How mature is each of these engineering practices?",
    question_type="MATRIX",
    kind="table",
    headers=("Area", "Assessment"),
    rows=(("Continuous integration", "Measured"), ("Automated testing", "Ad hoc")),
    levels=(4, 2),
    scale=("Not in place", "Ad hoc", "Defined", "Measured", "Optimised"),
)


def test_a_matrix_answer_is_drawn_in_the_colour_given_with_its_figures_in_words():
    chart = matrix_chart(PRACTICES, color="#c8102e")
    svg = chart.svg.decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert "Continuous integration" in svg and "Optimised" in svg  # labels stay text, not paths
    assert "#c8102e" in svg
    image = Image.open(io.BytesIO(chart.png))
    assert image.format == "PNG" and round(image.info["dpi"][0]) == PRINT_DPI
    assert chart.alt == (
        "Engineering practices. Continuous integration: Measured (4 of 5); "
        "Automated testing: Ad hoc (2 of 5)."
    )


def test_answers_without_levels_get_no_chart():
    text = Answer(
        field="f", label="Name", question_id="q", question_text="", question_type="TEXT", kind="text"
    )
    assert matrix_chart(text, color="#000000") is None


def _roadmap(session, fmt) -> bytes:
    document = Document.objects.get(session=session, document_type__slug="technology-roadmap", format=fmt)
    services.document_generate(document_id=document.pk)
    document.refresh_from_db()
    return stored(document)


def _form_xobjects(page) -> list:
    resources = page.get("/Resources") or {}
    xobjects = resources.get("/XObject") or {}
    return [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Form"]


@pytest.mark.django_db
def test_the_roadmap_pdf_draws_its_matrices_as_vector_charts(demo_session):
    reader = pypdf.PdfReader(io.BytesIO(_roadmap(demo_session, "PDF")))
    pages = [p for p in reader.pages if "Engineering practices, as in the table above." in p.extract_text()]
    assert len(pages) == 1 and _form_xobjects(pages[0])  # the SVG, drawn as vectors, not a bitmap
    assert not pages[0].images


@pytest.mark.django_db
def test_the_roadmap_word_file_has_the_charts_as_pictures_with_alternative_text(demo_session):
    word = docx.Document(io.BytesIO(_roadmap(demo_session, "DOCX")))
    described = [shape._inline.docPr.get("descr") for shape in word.inline_shapes]
    assert any(d.startswith("Engineering practices. Continuous integration: ") for d in described)
    assert any(p.text == "Engineering practices, as in the table above." for p in word.paragraphs)
