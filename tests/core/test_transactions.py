"""Work after a commit that fails is logged; it never turns a saved change into an error."""

import functools
import logging

import pytest
from django.db import transaction

from core.transactions import after_commit

pytestmark = pytest.mark.django_db(transaction=True)


def _mail_server_down(*, to):
    raise ConnectionRefusedError(f"cannot reach the mail server for {to}")


def test_a_failure_after_commit_is_logged_and_the_rest_still_runs(caplog):
    ran = []
    caplog.set_level(logging.ERROR)
    with transaction.atomic():
        after_commit(_mail_server_down, to="reviewer@acme.example")
        after_commit(functools.partial(_mail_server_down, to="client@acme.example"))
        after_commit(ran.append, "later work")
    assert ran == ["later work"]
    assert "_mail_server_down" in caplog.text and "cannot reach the mail server" in caplog.text
