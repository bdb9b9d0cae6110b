"""The archive tables in the admin: listed, searched and viewed, never edited."""

import pytest
from django.contrib import admin
from django.urls import reverse

from sessions_app.archive_models import ResponseArchive, SessionArchive
from tests.accounts.helpers import login_with_mfa
from tests.sessions_app.factories import ResponseArchiveFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [SessionArchive, ResponseArchive], ids=lambda m: m.__name__)
def test_archived_rows_can_be_looked_up_but_not_changed(client, admin_user, model):
    ResponseArchiveFactory()
    assert admin.site.is_registered(model)
    login_with_mfa(client, admin_user)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    obj = model._default_manager.first()
    change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only
    assert client.post(change, {}).status_code == 403
