"""Forms of the accounts pages: log-in, second factor, MFA, profile, and Django's password forms."""

from django import forms
from django.contrib.auth import forms as auth_forms

from accounts import mfa, selectors, services

# Bounds the cost of hashing whatever arrives; no real password is this long.
PASSWORD_MAX_LENGTH = 1024


class LoginForm(forms.Form):
    email = forms.EmailField(
        label="E-mail",
        max_length=255,
        error_messages={"required": "Enter your e-mail address.", "invalid": "Enter a valid e-mail address."},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        error_messages={"required": "Enter your password."},
    )


class CodeForm(forms.Form):
    """A 6-digit code from an authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=40,
        error_messages={"required": "Enter the code from your authenticator app, or a recovery code."},
    )

    def clean_code(self):
        code = mfa.code_normalise(self.cleaned_data["code"])
        if not (mfa.code_is_totp(code) or mfa.recovery_code_plausible(code)):
            raise forms.ValidationError(
                "Enter the 6 digits your authenticator app shows, or one of your recovery codes "
                "(16 letters and digits, like abcd-efgh-ijkm-nop2)."
            )
        return code


class TotpCodeForm(forms.Form):
    """The first code of a new authenticator, which proves it was set up right."""

    code = forms.CharField(
        label="6-digit code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code your authenticator app shows."},
    )

    def clean_code(self):
        code = mfa.code_normalise(self.cleaned_data["code"])
        if not mfa.code_is_totp(code):
            raise forms.ValidationError("Enter the 6 digits your authenticator app shows, without letters.")
        return code


class ProfileForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=150,
        error_messages={"required": "Enter your name.", "max_length": "Keep your name under 150 characters."},
    )


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def save(self, commit=True):
        return services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], action="auth.password_change"
        )


class SetPasswordForm(auth_forms.SetPasswordForm):
    """The last step of a password reset by e-mail."""

    def save(self, commit=True):
        return services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], action="auth.password_reset"
        )


class PasswordResetForm(auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label="E-mail",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": "Enter your e-mail address.", "invalid": "Enter a valid e-mail address."},
    )

    def get_users(self, email):
        # Before sign-in no user row is visible (row-level security): name the address's user first.
        if selectors.user_for_login(email=email) is None:
            return iter(())
        return super().get_users(email)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        services.password_reset_request_record()
