"""Invitations under row-level security, as the application's role connects in production: staff of one
organization see and write only theirs; the invitee, before signing in, sees only their own invitation.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core import mail

from accounts.models import UserRole
from audit.services import audit_chain_verify
from sessions_app.models import Invitation, InvitationStatus, Session
from tests.accounts.factories import UserFactory
from tests.accounts.helpers import login_post
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import InvitationFactory
from tests.test_row_level_security import app_role_connection
from tests.test_row_level_security_more import _as_system, as_app_role, scope  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "a-sturdy-passphrase-for-2030"


@pytest.fixture
def inviter(org_a):
    user = UserFactory(email="ines@acme.example", organization=org_a, role=UserRole.DEVELOPER)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="sessions_app", codename__endswith="_invitation")
    )
    return user


def test_each_tenant_sees_its_own_invitations_and_a_named_invitee_their_own_only(org_a, org_b, client_a):
    mine = InvitationFactory(organization=org_a, user=client_a)
    other_of_a = InvitationFactory(organization=org_a)
    theirs = InvitationFactory(organization=org_b)
    with app_role_connection() as conn:

        def visible():
            return {str(row[0]) for row in conn.execute("SELECT id FROM invitations").fetchall()}

        scope(conn, org_a.pk, client_a.pk)
        assert visible() == {str(mine.pk), str(other_of_a.pk)}
        scope(conn, org_b.pk)
        assert visible() == {str(theirs.pk)}
        scope(conn)
        assert visible() == set()
        scope(conn, "", client_a.pk)  # the invitee named before sign-in
        assert visible() == {str(mine.pk)}
        # The link's look-up finds the invitee whatever the scope, and nothing else.
        scope(conn)
        digest = mine.token_hash
        assert str(conn.execute("SELECT app_invitation_user_for_token(%s)", [digest]).fetchone()[0]) == str(
            client_a.pk
        )


@pytest.fixture
def flow(org_a):
    return branching_questionnaire(organization=org_a)


def test_staff_invite_and_a_new_client_accepts_as_the_application_role(
    client,
    inviter,
    flow,
    client_b,
    as_app_role,  # noqa: F811 (last: the data above is made as the suite's superuser)
):
    assert login_post(client, inviter.email).status_code == 302
    refused = client.post(
        "/invitations/new/", {"email": client_b.email, "questionnaire": str(flow.questionnaire.pk)}
    )
    assert refused.status_code == 400 and "This address cannot be invited" in refused.content.decode()
    sent = client.post(
        "/invitations/new/", {"email": "fresh@example.com", "questionnaire": str(flow.questionnaire.pk)}
    )
    assert sent.status_code == 302
    assert "fresh@example.com" in client.get("/invitations/").content.decode()
    client.post("/logout/")

    link = re.search(r"https?://[^/\s]+(/invitations/accept/\S+/)", mail.outbox[0].body).group(1)
    assert "Choose your password" in client.get(link).content.decode()
    chosen = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert chosen.status_code == 302
    landed = client.get(link, follow=True)
    assert landed.status_code == 200 and "Do you have a product?" in landed.content.decode()

    _as_system()
    invitation = Invitation.objects.get(email="fresh@example.com")
    assert invitation.status == InvitationStatus.STARTED
    assert Session.objects.get(user=invitation.user).pk == invitation.session_id
    assert audit_chain_verify().intact
