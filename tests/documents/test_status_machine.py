"""The status machine of DESIGN.md, enforced by Document.transition_to() alone."""

import pytest

from documents.models import ALLOWED_TRANSITIONS, Document, DocumentStatus, IllegalTransition

S = DocumentStatus


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.PENDING, S.GENERATING),
        (S.GENERATING, S.GENERATED),
        (S.GENERATING, S.FAILED),
        (S.GENERATED, S.PENDING_REVIEW),
        (S.PENDING_REVIEW, S.APPROVED),
        (S.PENDING_REVIEW, S.REJECTED),
        (S.FAILED, S.PENDING),
    ],
)
def test_documents_move_along_the_allowed_transitions(start, target):
    document = Document(status=start)
    assert document.transition_to(target) == (start, target)
    assert document.status == target


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.PENDING, S.APPROVED),
        (S.PENDING, S.GENERATED),
        (S.GENERATED, S.APPROVED),
        (S.APPROVED, S.REJECTED),
        (S.APPROVED, S.PENDING),
        (S.REJECTED, S.APPROVED),
        (S.REJECTED, S.PENDING),  # regenerating creates the next version as a new row instead
        (S.FAILED, S.GENERATED),
        (S.PENDING_REVIEW, S.PENDING_REVIEW),
    ],
)
def test_an_illegal_transition_raises_and_leaves_the_status_alone(start, target):
    document = Document(status=start)
    with pytest.raises(IllegalTransition):
        document.transition_to(target)
    assert document.status == start


def test_approved_and_rejected_are_final_for_their_row():
    assert ALLOWED_TRANSITIONS[S.APPROVED] == frozenset()
    assert ALLOWED_TRANSITIONS[S.REJECTED] == frozenset()
    assert set(ALLOWED_TRANSITIONS) == set(S.values)
