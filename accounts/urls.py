"""Log-in, log-out, passwords, the account settings page and the GDPR pages (included at the site root)."""

from django.urls import path

from accounts import gdpr_views, notification_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/mfa/", views.login_mfa, name="login_mfa"),
    path("logout/", views.logout_view, name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("account/", views.account_settings, name="settings"),
    path("account/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("account/mfa/setup/", views.mfa_setup, name="mfa_setup"),
    path("account/mfa/verify/", views.mfa_verify, name="mfa_verify"),
    path("account/mfa/disable/", views.mfa_disable, name="mfa_disable"),
    path("account/mfa/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    # Reminder e-mails (docs/client-flow.md): the account page's switch, and the opt-out link of each.
    path("account/notifications/reminders/", notification_views.reminders_update, name="reminders_update"),
    path(
        "account/notifications/unsubscribe/<str:token>/",
        notification_views.reminders_unsubscribe,
        name="reminders_unsubscribe",
    ),
    # GDPR (docs/privacy.md): your own data; administrators' pages about one user.
    path("account/privacy/export/", gdpr_views.export_own, name="gdpr_export"),
    path("account/privacy/users/<uuid:user_id>/", gdpr_views.admin_personal_data, name="gdpr_user"),
    path("account/privacy/users/<uuid:user_id>/export/", gdpr_views.admin_export, name="gdpr_user_export"),
    path(
        "account/privacy/users/<uuid:user_id>/anonymise/",
        gdpr_views.admin_anonymise,
        name="gdpr_user_anonymise",
    ),
]
