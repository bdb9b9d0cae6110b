"""Organizations, users and API keys (seed 000 §4.1 and §4.5), and MFA recovery codes."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Now
from django.utils import timezone

from core.basemodels import (
    SoftDeleteManager,
    SoftDeleteQuerySet,
    TimestampedModel,
    UUIDModel,
    choices_check,
)


class Organization(TimestampedModel):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=100, unique=True)
    settings = models.JSONField(default=dict, db_default={}, blank=True)
    subscription = models.JSONField(default=dict, db_default={}, blank=True)
    # subscription: { plan, status, seats, trial_ends_at, billing }
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = SoftDeleteManager()
    all_objects = SoftDeleteQuerySet.as_manager()

    class Meta:
        db_table = "organizations"
        ordering = ["name"]
        indexes = [
            models.Index(fields=["slug"], name="idx_organizations_slug"),
            models.Index(fields=["created_at"], name="idx_organizations_created"),
        ]

    def __str__(self):
        return self.name

    @property
    def industry(self) -> str:
        return (self.settings or {}).get("industry", "")


class UserRole(models.TextChoices):
    CLIENT = "CLIENT", "Client"
    DEVELOPER = "DEVELOPER", "Developer"
    ADMIN = "ADMIN", "Admin"
    SUPER_ADMIN = "SUPER_ADMIN", "Super admin"


class UserManager(BaseUserManager.from_queryset(SoftDeleteQuerySet)):
    """Log in by e-mail; soft-deleted users are invisible and cannot log in."""

    use_in_migrations = True

    def get_queryset(self):
        return super().get_queryset().filter(deleted_at__isnull=True)

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("role", UserRole.SUPER_ADMIN)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin, TimestampedModel):
    password = models.CharField("password", max_length=255, db_column="password_hash")
    last_login = models.DateTimeField("last login", blank=True, null=True, db_column="last_login_at")

    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        db_column="org_id",
        db_index=False,  # idx_users_org
        related_name="users",
    )
    email = models.EmailField(max_length=255, unique=True)
    email_verified = models.BooleanField(default=False, db_default=False)
    role = models.CharField(
        max_length=20, choices=UserRole.choices, default=UserRole.CLIENT, db_default="CLIENT"
    )
    profile = models.JSONField(default=dict, db_default={}, blank=True)
    # profile: { name, phone, timezone, language, avatar_url }
    preferences = models.JSONField(default=dict, db_default={}, blank=True)
    # preferences: { notifications, theme, accessibility }
    mfa_enabled = models.BooleanField(default=False, db_default=False)
    mfa_secret = models.CharField(max_length=255, null=True, blank=True)
    # The last TOTP time step used: a code is accepted once (RFC 6238 §5.2), even if Redis is down.
    mfa_last_used_step = models.BigIntegerField(null=True, blank=True, editable=False)
    last_login_ip = models.GenericIPAddressField(null=True, blank=True)
    failed_login_attempts = models.IntegerField(default=0, db_default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text="Can log into the admin site.")

    objects = UserManager()
    all_objects = SoftDeleteQuerySet.as_manager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        db_table = "users"
        ordering = ["email"]
        indexes = [
            models.Index(fields=["email"], name="idx_users_email"),
            models.Index(fields=["organization"], name="idx_users_org"),
            models.Index(fields=["role"], name="idx_users_role"),
            models.Index(fields=["created_at"], name="idx_users_created"),
            models.Index(KeyTextTransform("name", "profile"), name="idx_users_profile_name"),
        ]
        constraints = [choices_check("role", UserRole, "users_role_valid")]
        permissions = [("review_document", "Can review documents")]

    def __str__(self):
        return self.email

    @property
    def display_name(self) -> str:
        return (self.profile or {}).get("name") or self.email

    def get_full_name(self):
        return self.display_name

    def get_short_name(self):
        return self.display_name

    @property
    def is_locked(self) -> bool:
        return bool(self.locked_until and self.locked_until > timezone.now())


class ApiKey(UUIDModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys", db_index=False)
    name = models.CharField(max_length=100)
    key_prefix = models.CharField(max_length=10)  # first 8 characters, for identification
    key_hash = models.CharField(max_length=255)
    scopes = ArrayField(models.CharField(max_length=50))
    rate_limit = models.IntegerField(default=1000, db_default=1000)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    updated_at = models.DateTimeField(auto_now=True, db_default=Now())
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "api_keys"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user"], name="idx_api_keys_user"),
            models.Index(fields=["key_prefix"], name="idx_api_keys_prefix"),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"


class MfaRecoveryCode(UUIDModel):
    """One single-use recovery code for TOTP MFA, kept only as a SHA-256 hash (codes carry 80 random bits)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="mfa_recovery_codes", db_index=False
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_default=Now(), editable=False)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mfa_recovery_codes"
        ordering = ["created_at"]
        indexes = [models.Index(fields=["user"], name="idx_mfa_recovery_codes_user")]
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="mfa_recovery_codes_user_hash_unique")
        ]
        verbose_name = "MFA recovery code"

    def __str__(self):
        state = f"used {self.used_at:%Y-%m-%d %H:%M}" if self.used_at else "unused"
        return f"Recovery code for {self.user} ({state})"
