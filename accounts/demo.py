"""The demo organization and its accounts, created idempotently by `manage.py seed_demo`.

The demo admin needs a second factor like every admin. Its TOTP secret is fixed and published in
docs/accounts.md, so anyone can add it to an authenticator app, or print a current code with
`manage.py demo_totp`. A published secret is only acceptable on demo data: never on a real account.
"""

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import selectors, services
from accounts.models import Organization, User, UserRole

DEMO_ORG_SLUG = "demo"
DEMO_ADMIN_EMAIL = "admin@demo.example"
DEMO_OPERATOR_EMAIL = "operator@demo.example"
ORGANIZATION_ADMINS = "Organization admins"  # the group accounts/migrations/0006 creates
DEMO_ADMIN_TOTP_SECRET = "DEMOADMINTOTPSECRETFORLOCALUSE23"  # base32, documented in docs/accounts.md


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str


DEMO_LOGINS = [
    DemoLogin("client", "client@demo.example", "demo-client-password"),
    DemoLogin("reviewer", "reviewer@demo.example", "demo-reviewer-password"),
    DemoLogin("admin", DEMO_ADMIN_EMAIL, "demo-admin-password"),
    DemoLogin("operator", DEMO_OPERATOR_EMAIL, "demo-operator-password"),
    # Clients who have completed the questionnaire already (sessions_app/demo.py): documents to review.
    DemoLogin("startup", "startup@demo.example", "demo-startup-password"),
    DemoLogin("enterprise", "enterprise@demo.example", "demo-enterprise-password"),
]
# The accounts that must pass a second factor, with the demo secret.
MFA_ROLES = {"admin", "operator"}


@transaction.atomic
def demo_accounts_ensure() -> tuple[Organization, list[DemoLogin]]:
    """Create (or repair) the demo organization, its clients, a reviewer, its admin and an operator.

    The admin is what every customer organization gets: staff, not a superuser, in the Organization
    admins group, so the admin site shows them their own organization only. The operator is a
    superuser, who acts for every organization and the shared catalogue.
    """
    organization, _ = Organization.all_objects.update_or_create(
        slug=DEMO_ORG_SLUG, defaults={"name": "Demo Consulting Ltd", "deleted_at": None}
    )
    if (organization.settings or {}).get("industry") != "technology":  # keep what else is set (branding)
        organization.settings = {**(organization.settings or {}), "industry": "technology"}
        organization.save(update_fields=["settings", "updated_at"])
    groups = {
        "reviewer": Group.objects.get(name="Reviewers"),
        "admin": Group.objects.get(name=ORGANIZATION_ADMINS),
    }
    roles = {
        "client": {"role": UserRole.CLIENT, "is_staff": False, "is_superuser": False, "name": "Casey Client"},
        "reviewer": {
            "role": UserRole.DEVELOPER,
            "is_staff": False,
            "is_superuser": False,
            "name": "Riley Reviewer",
        },
        "admin": {"role": UserRole.ADMIN, "is_staff": True, "is_superuser": False, "name": "Alex Admin"},
        "startup": {"role": UserRole.CLIENT, "is_staff": False, "is_superuser": False, "name": "Sam Sprout"},
        "enterprise": {
            "role": UserRole.CLIENT,
            "is_staff": False,
            "is_superuser": False,
            "name": "Erin Meridian",
        },
        "operator": {
            "role": UserRole.SUPER_ADMIN,
            "is_staff": True,
            "is_superuser": True,
            "name": "Olive Operator",
        },
    }
    for login in DEMO_LOGINS:
        spec = roles[login.role]
        user = User.all_objects.filter(email=login.email).first() or User(email=login.email)
        user.organization = organization
        user.role = spec["role"]
        user.is_staff = spec["is_staff"]
        user.is_superuser = spec["is_superuser"]
        user.is_active = True
        user.deleted_at = None
        user.locked_until = None
        user.failed_login_attempts = 0
        user.email_verified = True
        user.profile = {**(user.profile or {}), "name": spec["name"]}
        user.set_password(login.password)
        user.save()
        if login.role in groups:
            user.groups.add(groups[login.role])
        demo_secret_in_place = user.mfa_enabled and selectors.mfa_secret_of(user) == DEMO_ADMIN_TOTP_SECRET
        if login.role in MFA_ROLES and not demo_secret_in_place:
            services.mfa_activate(user=user, secret=DEMO_ADMIN_TOTP_SECRET, actor=None)
    return organization, DEMO_LOGINS
