"""The client's pages through the test client: list, start, section, live answer, no-JS submit, review."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sessions_app import services
from sessions_app.models import Response, Session, SessionStatus
from tests.questionnaires.factories import QuestionFactory
from tests.sessions_app.builders import branching_questionnaire

pytestmark = pytest.mark.django_db

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def section_url(session, section):
    return reverse("sessions_app:section", args=[session.pk, section.pk])


def answer_url(session, question):
    return reverse("sessions_app:answer", args=[session.pk, question.pk])


def test_the_list_shows_my_organizations_published_questionnaires_only(logged_in, flow, org_b):
    other = branching_questionnaire(organization=org_b)
    page = logged_in.get(reverse("sessions_app:list")).content.decode()
    assert flow.questionnaire.name in page
    assert other.questionnaire.name not in page


def test_starting_takes_the_client_to_the_first_section(logged_in, flow, client_a, org_a):
    org_a.settings = {**(org_a.settings or {}), "industries": ["Retail"]}
    org_a.save()
    response = logged_in.post(
        reverse("sessions_app:start", args=[flow.questionnaire.pk]), {"industry": "retail"}
    )
    session = Session.objects.get(user=client_a)
    assert session.industry == "Retail"  # the list's spelling
    assert response.status_code == 302
    follow = logged_in.get(response["Location"], follow=True)
    assert follow.request["PATH_INFO"] == section_url(session, flow.first)
    assert b"Do you have a product?" in follow.content


def test_another_clients_session_is_a_404_everywhere(client, client_b, session, flow):
    client.force_login(client_b)
    for url in [
        reverse("sessions_app:resume", args=[session.pk]),
        section_url(session, flow.first),
        reverse("sessions_app:review", args=[session.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(answer_url(session, flow.has_product), {}).status_code == 404
    assert client.post(reverse("sessions_app:complete", args=[session.pk])).status_code == 404


def test_a_section_hides_questions_until_their_branch_opens(logged_in, session, flow):
    page = logged_in.get(section_url(session, flow.first)).content.decode()
    assert "Product name" not in page
    assert f'id="wrap-q-{flow.product_name.id}"' in page  # an empty placeholder for the live swap


def test_a_live_answer_returns_the_question_and_the_newly_shown_one(logged_in, session, flow):
    response = logged_in.post(
        answer_url(session, flow.has_product), {f"q-{flow.has_product.id}": flow.yes}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Product name" in body and 'hx-swap-oob="true"' in body
    assert "Team size" not in body  # unchanged questions are not re-sent
    assert Response.objects.get(session=session, question=flow.has_product).value == {
        "selectedOptionId": flow.yes
    }


def test_a_live_answer_re_sends_the_section_list_with_its_new_counts(logged_in, session, flow):
    # The section nav follows the answers without a reload: "Yes" answers the first section's first
    # question and shows its required "Product name", so the section goes from 0 of 2 to 1 of 3.
    before = logged_in.get(section_url(session, flow.first)).content.decode()
    assert "0 of 2" in before[before.index('<ol id="section-list">') :]
    response = logged_in.post(
        answer_url(session, flow.has_product), {f"q-{flow.has_product.id}": flow.yes}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    listing = body[body.index('<ol id="section-list" hx-swap-oob="true">') :]
    listing = listing[: listing.index("</ol>")]
    assert "1 of 3 · 1 to answer" in listing
    assert 'aria-current="page"' in listing  # still the section the client is on
    assert '<span id="section-count" class="muted" hx-swap-oob="true">(' in body


def test_a_bad_live_answer_is_a_422_with_the_message_tied_to_the_field(logged_in, session, flow):
    response = logged_in.post(answer_url(session, flow.team_size), {f"q-{flow.team_size.id}": "lots"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "Enter a number." in body and 'aria-invalid="true"' in body


def test_the_no_js_form_saves_the_section_and_moves_on(logged_in, session, flow):
    response = logged_in.post(
        section_url(session, flow.first),
        {
            "present": [str(flow.has_product.id), str(flow.team_size.id)],
            f"q-{flow.has_product.id}": flow.no,
            f"q-{flow.team_size.id}": "12",
            "direction": "next",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(session, flow.second)
    assert Response.objects.filter(session=session).count() == 2


def test_the_no_js_form_stays_with_errors_when_a_required_answer_is_missing(logged_in, session, flow):
    services.response_save(
        session=session, question_id=str(flow.has_product.id), data={f"q-{flow.has_product.id}": [flow.yes]}
    )
    response = logged_in.post(
        section_url(session, flow.first),
        {
            "present": [str(flow.has_product.id), str(flow.product_name.id)],
            f"q-{flow.has_product.id}": flow.yes,
            "direction": "next",
        },
    )
    assert response.status_code == 422
    assert b"This question is required." in response.content
    assert b'role="alert"' in response.content


def test_resume_goes_back_to_the_section_of_the_last_answer(logged_in, session, flow):
    services.response_save(
        session=session, question_id=str(flow.contact.id), data={f"q-{flow.contact.id}": ["a@example.com"]}
    )
    response = logged_in.get(reverse("sessions_app:resume", args=[session.pk]))
    assert response["Location"] == section_url(session, flow.second)


def test_review_lists_visible_answers_and_complete_refuses_with_whats_missing(logged_in, session, flow):
    services.response_save(
        session=session, question_id=str(flow.has_product.id), data={f"q-{flow.has_product.id}": [flow.yes]}
    )
    page = logged_in.get(reverse("sessions_app:review", args=[session.pk])).content.decode()
    assert "Yes" in page and "Product name" in page
    refused = logged_in.post(reverse("sessions_app:complete", args=[session.pk]))
    assert refused.status_code == 422
    assert b"still need" in refused.content
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS


def test_completing_a_full_session(logged_in, session, flow):
    for question, value in [(flow.has_product, flow.no), (flow.contact, "ceo@example.com")]:
        services.response_save(
            session=session, question_id=str(question.id), data={f"q-{question.id}": [value]}
        )
    response = logged_in.post(reverse("sessions_app:complete", args=[session.pk]), follow=True)
    assert b"your answers are complete" in response.content
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED


def test_an_uploaded_file_is_judged_by_content_and_served_as_an_attachment(logged_in, session, flow):
    upload_question = QuestionFactory(
        section=flow.first, order_index=9, type="FILE_UPLOAD", text="Your diagram"
    )
    field = f"q-{upload_question.id}"
    fake = SimpleUploadedFile(
        "diagram.png", b"<html><script>alert(1)</script></html>", content_type="image/png"
    )
    refused = logged_in.post(answer_url(session, upload_question), {field: fake})
    assert refused.status_code == 422
    assert b"not allowed" in refused.content

    real = SimpleUploadedFile("my diagram.png", PNG, content_type="image/png")
    assert logged_in.post(answer_url(session, upload_question), {field: real}).status_code == 200
    value = Response.objects.get(session=session, question=upload_question).value
    assert value["mimeType"] == "image/png" and value["fileName"] == "my-diagram.png"
    download = logged_in.get(value["fileUrl"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == PNG


def _queries_for(django_assert_max_num_queries, client, url, method="get", data=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 302, 422)
    return len(captured)


def test_query_counts_do_not_grow_with_the_questionnaires_size(client, client_a, org_a):
    counts = {}
    for size in (0, 60):
        flow = branching_questionnaire(organization=org_a, extra_questions=size)
        session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
        client.force_login(client_a)
        client.get(section_url(session, flow.first))  # warms the structure cache
        show = _queries_for(None, client, section_url(session, flow.second))
        save = _queries_for(
            None, client, answer_url(session, flow.team_size), "post", {f"q-{flow.team_size.id}": "4"}
        )
        counts[size] = (show, save)
    assert counts[0] == counts[60], counts


def test_showing_a_section_and_saving_an_answer_take_a_fixed_number_of_queries(
    client, client_a, org_a, django_assert_num_queries
):
    flow = branching_questionnaire(organization=org_a, extra_questions=30)
    session = services.session_start(user=client_a, questionnaire=flow.questionnaire)
    client.force_login(client_a)
    client.get(section_url(session, flow.first))  # the structure is now in Redis and process memory
    # user, the client's session, its responses (the auth session comes from Redis); then the page
    # viewed is remembered, for "Continue"
    with django_assert_num_queries(4):
        assert client.get(section_url(session, flow.second)).status_code == 200
    with django_assert_num_queries(3):  # the same page again: nothing to remember
        assert client.get(section_url(session, flow.second)).status_code == 200
    # user; then in one transaction (BEGIN, COMMIT): lock the client's session, read its answers, take the
    # audit chain's lock and read its end; then, with the COMMIT, write the answer and the session's
    # progress, and the audit row
    with django_assert_num_queries(6):
        response = client.post(answer_url(session, flow.team_size), {f"q-{flow.team_size.id}": "4"})
        assert response.status_code == 200


def _plain(item):
    """The question's view-model as plain dicts, whose missing keys the template engine looks for itself."""
    plain = dict(item)
    plain["options"] = [dict(option) for option in item["options"]]
    plain["value"] = dict(item["value"]) if isinstance(item["value"], dict) else item["value"]
    return plain


def test_question_items_read_missing_keys_as_the_template_would_show_them(flow):
    from django.template.loader import render_to_string

    from questionnaires.structure import engine_for, structure_load
    from sessions_app.flow import StoredAnswer, flow_state
    from sessions_app.views import _question_items

    options = [
        {"id": "a", "label": "Alpha", "description": "the first"},
        {"id": "b", "label": "Beta"},
        {"id": "c", "label": "None of these", "exclusive": True},
    ]
    extra = [
        QuestionFactory(section=flow.first, order_index=20, type="MULTIPLE_CHOICE", options=options),
        QuestionFactory(section=flow.first, order_index=21, type="SCALE", metadata={"minLabel": "Low"}),
        QuestionFactory(
            section=flow.first,
            order_index=22,
            type="MATRIX",
            options=options[:2],
            metadata={"rows": [{"id": "r1", "label": "Speed"}, {"id": "r2"}]},
        ),
        QuestionFactory(section=flow.first, order_index=23, type="FILE_UPLOAD"),
        QuestionFactory(section=flow.first, order_index=24, type="DATE", placeholder=None),
    ]
    structure = structure_load(flow.questionnaire.pk)
    answers = {
        str(flow.team_size.id): StoredAnswer({"number": 12}),
        str(extra[0].id): StoredAnswer({"selectedOptionIds": ["b"]}),
        str(extra[1].id): StoredAnswer({"rating": 4}),
    }
    state = flow_state(structure=structure, engine=engine_for(structure), answers=answers, industry=None)
    questions = structure.section(str(flow.first.id)).questions
    items = _question_items(state, questions, structure=structure)
    assert len(items) == 8
    for item in items:
        context = {"item": item, "session": Session()}  # the model's default: a new id
        shown = render_to_string("sessions_app/_question.html", context)
        assert shown == render_to_string("sessions_app/_question.html", {**context, "item": _plain(item)})
    choices = render_to_string("sessions_app/_question.html", {"item": items[3], "session": Session()})
    assert "the first" in choices and choices.count('type="checkbox"') == 3
