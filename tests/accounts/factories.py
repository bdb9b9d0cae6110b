import factory
from django.contrib.auth.models import Group, Permission

from accounts import mfa
from accounts.models import ApiKey, MfaRecoveryCode, Organization, User, UserRole

PASSWORD = "correct-horse-battery-staple"
# The TOTP secret that test users get when they enrol with mfa_activate(); pyotp.TOTP(it).now() is a code.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Organization {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    settings = factory.LazyFunction(lambda: {"industry": "technology"})


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    organization = factory.SubFactory(OrganizationFactory)
    role = UserRole.CLIENT
    profile = factory.LazyAttribute(lambda u: {"name": u.email.split("@")[0].title()})
    password = factory.django.Password(PASSWORD)


def reviewers_group_ensure() -> Group:
    """The Reviewers group (accounts/migrations/0003), put back if a transactional test's flush removed it."""
    group, _ = Group.objects.get_or_create(name="Reviewers")
    group.permissions.add(
        Permission.objects.get(codename="review_document", content_type__app_label="accounts")
    )
    return group


class ReviewerFactory(UserFactory):
    role = UserRole.DEVELOPER

    @factory.post_generation
    def reviewers_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(reviewers_group_ensure())


class AdminFactory(UserFactory):
    role = UserRole.ADMIN
    is_staff = True
    is_superuser = True


class ApiKeyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApiKey

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Integration {n}")
    key_prefix = factory.Sequence(lambda n: f"acq{n:05d}")
    key_hash = factory.Faker("sha256")
    scopes = factory.LazyFunction(lambda: ["questionnaires:read"])


class MfaRecoveryCodeFactory(factory.django.DjangoModelFactory):
    """A recovery code row; pass `code` to choose the code in clear (only its hash is stored)."""

    class Meta:
        model = MfaRecoveryCode
        exclude = ["code"]

    user = factory.SubFactory(UserFactory)
    code = factory.LazyFunction(lambda: mfa.recovery_codes_new(1)[0])
    code_hash = factory.LazyAttribute(lambda o: mfa.recovery_code_hash(o.code))
