"""Fixtures the client-flow tests share: the branching questionnaire, a session, a logged-in client."""

import pytest

from sessions_app import services
from tests.sessions_app.builders import branching_questionnaire


@pytest.fixture
def flow(org_a):
    return branching_questionnaire(organization=org_a)


@pytest.fixture
def session(flow, client_a):
    return services.session_start(user=client_a, questionnaire=flow.questionnaire)


@pytest.fixture
def logged_in(client, client_a):
    client.force_login(client_a)
    return client
