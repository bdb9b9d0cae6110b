"""A staff admin of organization B, holding every permission, attacks organization A through the admin.

Generated from the admin site's registry and each admin's own URLs, not from a hand list: a new admin,
or a new custom view of an existing one, is attacked here without a line added. For every registered
admin and each of its URLs (changelist, add, change, delete, history, password, every custom view):

- every page the attacker can open shows no object, choice, filter entry or search result of A;
- a URL naming an object of A answers 404, 403, 405 or the admin's "does not exist" redirect;
- every POST naming an object of A (in the URL, a foreign key, a many-to-many field or the
  organization), or the shared catalogue, or `is_superuser`, changes nothing of A, of the shared
  catalogue, of the global tables, or of the attacker's own rights.

"Changes nothing" is checked on a snapshot of every row of every registered model that B does not
own, taken before and after each attack. Registering an admin without core.admin.TenantAdmin fails
`test_every_registered_admin_uses_the_tenant_mechanism` and the system check.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import quote_plus

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import URLPattern, reverse
from django.utils import timezone
from lxml import html as lxml_html

from accounts.models import User, UserRole
from accounts.services import mfa_activate
from core.admin import GLOBAL, TenantAdmin, TenantInline, check_admin_tenancy
from sessions_app import services as session_services
from tests.accounts.factories import (
    TOTP_SECRET,
    ApiKeyFactory,
    MfaRecoveryCodeFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.accounts.helpers import login_with_mfa
from tests.documents.factories import DocumentFactory, DocumentTypeFactory
from tests.questionnaires.factories import QuestionFactory, QuestionnaireFactory, SectionFactory
from tests.sessions_app.builders import branching_questionnaire
from tests.sessions_app.factories import InvitationFactory, ResponseArchiveFactory, ResponseFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
SAFE_STATUSES = {200, 302, 400, 403, 404, 405, 409, 422}


@dataclass
class Tenant:
    organization: object
    objects: dict = field(default_factory=dict)  # model label → one row of that model the tenant owns


def _tenant(slug: str, name: str, *, draft: bool) -> Tenant:
    """An organization with a row of every model the admin shows (through the services where they exist)."""
    organization = OrganizationFactory(slug=slug, name=name)
    client = UserFactory(email=f"client@{slug}.example", organization=organization)
    staff = UserFactory(email=f"staff@{slug}.example", organization=organization, is_staff=True)
    staff.groups.add(Group.objects.get(name="Reviewers"))
    flow = branching_questionnaire(organization=organization)
    session = session_services.session_start(user=client, questionnaire=flow.questionnaire)
    response = ResponseFactory(session=session, question=flow.team_size, value={"number": 3})
    document = DocumentFactory(session=session)
    archived = ResponseArchiveFactory(
        session__user=client, session__questionnaire=flow.questionnaire, question=flow.contact
    )
    questionnaire, section, question = flow.questionnaire, flow.first, flow.has_product
    if draft:  # a draft is what an author edits: the forms the attacks replay come from it
        questionnaire = QuestionnaireFactory(organization=organization, name=f"{name} draft")
        section = SectionFactory(questionnaire=questionnaire, name="Draft section", order_index=1)
        question = QuestionFactory(section=section, order_index=1, type="TEXT", text="Draft question")
    objects = {
        "accounts.organization": organization,
        "accounts.user": staff,
        "accounts.apikey": ApiKeyFactory(user=client),
        "accounts.mfarecoverycode": MfaRecoveryCodeFactory(user=staff),
        "questionnaires.questionnaire": questionnaire,
        "questionnaires.section": section,
        "questionnaires.question": question,
        "questionnaires.visibilityrule": flow.has_product.visibility_rules.first(),
        "sessions_app.session": session,
        "sessions_app.response": response,
        "sessions_app.sessionarchive": archived.session,
        "sessions_app.responsearchive": archived,
        "documents.document": document,
        "sessions_app.invitation": InvitationFactory(
            organization=organization, questionnaire=flow.questionnaire, user=client, email=client.email
        ),
    }
    return Tenant(organization, objects)


@pytest.fixture
def world(db):
    victim = _tenant("acme", "Acme Advisory", draft=False)
    attacker_tenant = _tenant("borealis", "Borealis Partners", draft=True)
    shared = QuestionnaireFactory(organization=None, name="Shared catalogue", published_at=timezone.now())
    DocumentTypeFactory()
    attacker = UserFactory(
        email="admin@borealis.example",
        organization=attacker_tenant.organization,
        is_staff=True,
        role=UserRole.ADMIN,
    )
    attacker.user_permissions.set(Permission.objects.all())
    mfa_activate(user=attacker, secret=TOTP_SECRET, actor=None)
    _extra_rows(victim)
    browser = login_with_mfa(Client(), attacker)
    return {
        "victim": victim,
        "mine": attacker_tenant,
        "shared": shared,
        "attacker": attacker,
        "browser": browser,
    }


def _extra_rows(victim: Tenant) -> None:
    """Rows of models that a later change registers (an outbox, say) get one of A's, when a factory exists."""
    from tests.documents import factories as document_factories

    document = victim.objects["documents.document"]
    for model, _ in REGISTERED:
        label = model._meta.label_lower
        if label in victim.objects:
            continue
        maker = getattr(document_factories, f"{model.__name__}Factory", None)
        if maker is not None and "document" in {f.name for f in model._meta.get_fields()}:
            victim.objects[label] = maker(document=document)


# --- What B may never see, and what B may never change --------------------------------------------------


def markers(victim: Tenant) -> set[str]:
    """Strings that name organization A: its name, its users' e-mails, the ids of its rows."""
    found = {victim.organization.name, "@acme.example"}
    for model, model_admin in REGISTERED:
        path = model_admin.organization_path
        if path in (None, GLOBAL):
            continue
        ids = model._base_manager.filter(**{path: victim.organization.pk}).values_list("pk", flat=True)
        found |= {str(pk) for pk in ids}
    return found


# Django's "<model> with ID “…” doesn’t exist" message repeats the id the attacker sent, on the next page.
ECHOED_ID = re.compile(r"<li[^>]*>[^<]*with ID “[^”]*” doesn’t exist[^<]*</li>")


def leaked(body: str, secrets: set[str]) -> list[str]:
    body = ECHOED_ID.sub("", body)
    return sorted(secret for secret in secrets if secret in body)


def snapshot(attacker_org) -> dict:
    """Every row of every registered model that the attacker's organization does not own."""
    rows = {}
    for model, model_admin in REGISTERED:
        queryset = model._base_manager.all()
        path = model_admin.organization_path
        if path not in (None, GLOBAL):
            queryset = queryset.exclude(**{path: attacker_org.pk})
        values = [json.dumps(row, default=str, sort_keys=True) for row in queryset.values()]
        rows[model._meta.label] = sorted(values)
    return rows


def rights(user: User) -> tuple:
    user = User.all_objects.get(pk=user.pk)
    return (
        user.is_superuser,
        user.organization_id,
        sorted(user.user_permissions.values_list("pk", flat=True)),
    )


def changed(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after[label]]


# --- Forms, replayed as a browser would post them -------------------------------------------------------


def form_data(body: str) -> dict[str, list[str]]:
    """The fields of the page's main admin form with the values a browser would submit."""
    page = lxml_html.fromstring(body)
    forms = [form for form in page.forms if (form.get("id") or "").endswith("_form")]
    if not forms:
        return {}
    data: dict[str, list[str]] = {}
    for element in forms[0].inputs:
        name = element.get("name")
        if not name or element.get("type") in ("submit", "file", "button"):
            continue
        if element.tag == "select":
            values = [o.get("value", o.text or "") for o in element.findall(".//option") if o.get("selected")]
            data[name] = values
        elif element.get("type") in ("checkbox", "radio"):
            if element.checked:
                data.setdefault(name, []).append(element.get("value") or "on")
        else:
            data[name] = [element.value or ""]
    return data


def forgeries(model, data: dict, victim: Tenant, world: dict) -> list[tuple[str, dict]]:
    """The same form with one field naming something of A, the shared catalogue, or more rights."""
    attacks = []
    for name in data:
        if "-" in name:  # inline rows: their parent is the object itself, already scoped
            continue
        try:
            model_field = model._meta.get_field(name)
        except Exception:
            continue
        if not model_field.is_relation:
            continue
        target = victim.objects.get(model_field.related_model._meta.label_lower)
        if target is not None:
            attacks.append((f"{name}=A", {**data, name: [str(target.pk)]}))
    if "organization" in data or model._meta.label_lower == "questionnaires.questionnaire":
        attacks.append(("organization=A", {**data, "organization": [str(victim.organization.pk)]}))
        attacks.append(("organization=shared", {**data, "organization": [""]}))
    if model is User:
        everything = [str(pk) for pk in Permission.objects.values_list("pk", flat=True)]
        attacks.append(("is_superuser", {**data, "is_superuser": ["on"]}))
        attacks.append(("user_permissions", {**data, "user_permissions": everything}))
        attacks.append(("organization=A", {**data, "organization": [str(victim.organization.pk)]}))
    return attacks


# --- The attack, generated -------------------------------------------------------------------------------


def urls_of(model_admin) -> list[URLPattern]:
    return [pattern for pattern in model_admin.get_urls() if isinstance(pattern, URLPattern) and pattern.name]


def url_for(pattern: URLPattern, obj) -> str:
    names = list(pattern.pattern.converters)
    return reverse(f"admin:{pattern.name}", kwargs={name: obj.pk for name in names})


@dataclass
class Tally:
    urls: int = 0
    attacks: int = 0
    problems: list = field(default_factory=list)

    def check(self, condition: bool, what: str) -> None:
        self.attacks += 1
        if not condition:
            self.problems.append(what)


@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[m._meta.label for m, _ in REGISTERED])
def test_a_staff_admin_of_another_organization_reaches_nothing_of_a(model, model_admin, world, capsys):
    victim, mine, attacker = world["victim"], world["mine"], world["attacker"]
    browser = world["browser"]
    secrets = markers(victim)
    label = model._meta.label_lower
    target = victim.objects.get(label) or model._base_manager.first()
    own = mine.objects.get(label)
    tally = Tally()
    before, rights_before = snapshot(mine.organization), rights(attacker)

    def unchanged(what: str) -> None:
        nonlocal before
        after = snapshot(mine.organization)
        tally.check(not changed(before, after), f"{what}: changed {changed(before, after)}")
        tally.check(rights(attacker) == rights_before, f"{what}: the attacker's rights changed")
        before = after

    for pattern in urls_of(model_admin):
        tally.urls += 1
        takes_object = bool(pattern.pattern.converters)
        if takes_object and target is None:
            continue
        url = url_for(pattern, target) if takes_object else reverse(f"admin:{pattern.name}")

        page = browser.get(url)
        body = page.content.decode(errors="replace")
        tally.check(page.status_code in SAFE_STATUSES, f"GET {url}: {page.status_code}")
        tally.check(not leaked(body, secrets), f"GET {url} shows {leaked(body, secrets)}")
        if takes_object and label in victim.objects:
            tally.check(page.status_code != 200, f"GET {url} of A's object answers 200")

        # POST to the URL as it stands, then with the form of the attacker's own equivalent page.
        replay = {}
        if takes_object and own is not None:
            own_page = browser.get(url_for(pattern, own))
            if own_page.status_code == 200:
                replay = form_data(own_page.content.decode(errors="replace"))
        elif not takes_object and page.status_code == 200:
            replay = form_data(body)
        for data in ({}, replay) if replay else ({},):
            response = browser.post(url, {**data, "_save": "Save"})
            tally.check(response.status_code in SAFE_STATUSES, f"POST {url}: {response.status_code}")
            tally.check(not leaked(response.content.decode(errors="replace"), secrets), f"POST {url} leaks")
            unchanged(f"POST {url}")

        # Forged fields on the attacker's own forms: the add page and their own object's pages.
        if replay and (not takes_object or own is not None):
            post_to = url if not takes_object else url_for(pattern, own)
            for what, data in forgeries(model, replay, victim, world):
                response = browser.post(post_to, {**data, "_save": "Save"})
                tally.check(
                    response.status_code in SAFE_STATUSES, f"POST {post_to} {what}: {response.status_code}"
                )
                unchanged(f"POST {post_to} with {what}")

    # Search and filters of the list, aimed at A.
    if model_admin.has_view_permission(_request_for(attacker)):
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for term in sorted(secrets)[:25]:
            body = browser.get(changelist, {"q": term}).content.decode(errors="replace")
            body = body.replace(term, "").replace(quote_plus(term), "")  # the search box echoes the term
            tally.check(not leaked(body, secrets), f"search {term!r} shows {leaked(body, secrets)}")

    # The user's own change page with is_superuser, permissions and another organization.
    if model is User:
        url = reverse("admin:accounts_user_change", args=[attacker.pk])
        data = form_data(browser.get(url).content.decode())
        for what, forged in forgeries(model, data, victim, world):
            browser.post(url, {**forged, "_save": "Save"})
            unchanged(f"own user page with {what}")

    with capsys.disabled():
        print(f"\n{model._meta.label}: {tally.urls} admin URLs, {tally.attacks} checks")
    assert not tally.problems, "\n".join(tally.problems)


def _request_for(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# --- The mechanism itself ---------------------------------------------------------------------------------


def test_every_registered_admin_uses_the_tenant_mechanism():
    assert not check_admin_tenancy()
    for model, model_admin in REGISTERED:
        assert isinstance(model_admin, TenantAdmin), model._meta.label
        assert all(issubclass(inline, TenantInline) for inline in model_admin.inlines), model._meta.label


def test_the_system_check_refuses_an_admin_that_does_not_scope_itself():
    site = admin.AdminSite(name="unscoped")

    class Plain(admin.ModelAdmin):
        pass

    class Unnamed(TenantAdmin):
        pass  # no organization_path

    site.register(Group, Plain)
    site.register(User, Unnamed)
    ids = sorted(error.id for error in check_admin_tenancy(site=site))
    assert ids == ["acqs.E001", "acqs.E002"]


def test_an_organizations_admin_grants_only_groups_within_their_own_rights(world):
    from accounts import rights as account_rights

    limited = UserFactory(organization=world["mine"].organization, is_staff=True)
    limited.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    operators = Group.objects.create(name="Operators")
    operators.permissions.set(Permission.objects.filter(codename="delete_user"))
    viewers = Group.objects.create(name="Viewers")
    viewers.permissions.set(Permission.objects.filter(codename="view_user"))
    grantable = account_rights.groups_grantable_by(limited, Group.objects.all())
    assert set(grantable) == {viewers}
    stronger = UserFactory(organization=world["mine"].organization)
    stronger.groups.add(operators)
    assert not account_rights.may_manage(actor=limited, user=stronger)
    assert account_rights.may_manage(actor=limited, user=UserFactory(organization=world["mine"].organization))
