"""TOTP MFA: enrolment, the second log-in step, recovery codes, encryption at rest, the admin site."""

import binascii
import io
import re

import pyotp
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts import selectors
from accounts.demo import DEMO_ADMIN_EMAIL, DEMO_ADMIN_TOTP_SECRET
from accounts.models import MfaRecoveryCode, User
from audit.models import AuditLog
from tests.accounts.factories import PASSWORD, TOTP_SECRET, AdminFactory, MfaRecoveryCodeFactory
from tests.accounts.helpers import login_post, login_with_mfa, totp_code

pytestmark = pytest.mark.django_db


def _enrol_through_the_pages(client, *, next_url=""):
    """Open the set-up page, read the secret as a person would type it, confirm with its code."""
    page = client.get("/account/mfa/setup/" + (f"?next={next_url}" if next_url else ""))
    assert page.status_code == 200
    secret = (
        re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page.content.decode()).group(1).replace(" ", "")
    )
    response = client.post("/account/mfa/setup/", {"code": pyotp.TOTP(secret).now(), "next": next_url})
    return secret, response


# --------------------------------------------------------------------------- enrolment


def test_enrolment_shows_a_qr_code_and_the_secret_then_ten_recovery_codes_once(client, person):
    client.force_login(person)
    secret, response = _enrol_through_the_pages(client)
    assert response.status_code == 200
    codes = re.findall(
        r"<code>([a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4})</code>", response.content.decode()
    )
    assert len(set(codes)) == 10
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    person.refresh_from_db()
    assert person.mfa_enabled
    assert selectors.mfa_secret_of(person) == secret
    stored = set(MfaRecoveryCode.objects.filter(user=person).values_list("code_hash", flat=True))
    assert len(stored) == 10 and not stored & set(codes)  # hashes only
    entry = AuditLog.objects.get(event="mfa.enable")
    assert entry.actor == person and entry.changes["after"] == {"mfa_enabled": True, "recovery_codes": 10}
    # Shown once: the settings page only counts them.
    page = client.get("/account/").content.decode()
    assert "<strong>10</strong> unused recovery codes" in page
    assert codes[0] not in page


def test_the_qr_code_is_inline_svg_and_the_page_loads_nothing_from_elsewhere(client, person):
    client.force_login(person)
    content = client.get("/account/mfa/setup/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in content
    assert 'role="img" aria-label="QR code to scan with your authenticator app"' in content
    assert not re.search(r'(src|href)="https?://', content)


def test_the_qr_code_stays_an_svg_image_after_weasyprint_is_imported(client, person):
    # WeasyPrint's import re-registers ElementTree's default namespace prefix for the whole process;
    # the QR code was then written as <ns0:svg>, which a browser does not draw.
    import weasyprint.pdf.metadata  # noqa: F401

    client.force_login(person)
    content = client.get("/account/mfa/setup/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in content
    assert "ns0:" not in content and "<path" in content


def test_a_wrong_first_code_is_refused_with_a_clear_error_and_mfa_stays_off(client, person):
    client.force_login(person)
    client.get("/account/mfa/setup/")
    for bad in ["000000", "12ab56", ""]:
        response = client.post("/account/mfa/setup/", {"code": bad})
        assert response.status_code == 200
        assert response.context["form"].errors["code"]
    assert b"does not match" in client.post("/account/mfa/setup/", {"code": "000000"}).content
    person.refresh_from_db()
    assert not person.mfa_enabled and person.mfa_secret is None


def test_the_secret_stays_the_same_across_reloads_of_the_setup_page(client, person):
    client.force_login(person)
    first = re.search(r'<code id="secret">([^<]+)</code>', client.get("/account/mfa/setup/").content.decode())
    again = re.search(r'<code id="secret">([^<]+)</code>', client.get("/account/mfa/setup/").content.decode())
    assert first.group(1) == again.group(1)


# --------------------------------------------------------------------------- encryption at rest


def test_the_secret_is_encrypted_at_rest(mfa_person):
    with connection.cursor() as cursor:
        cursor.execute("SELECT mfa_secret FROM users WHERE id = %s", [mfa_person.pk])
        raw = cursor.fetchone()[0]
    assert raw and raw != TOTP_SECRET and TOTP_SECRET not in raw
    assert len(raw) <= 255
    try:
        usable = pyotp.TOTP(raw).verify(pyotp.TOTP(TOTP_SECRET).now())
    except (ValueError, TypeError, binascii.Error):
        usable = False
    assert not usable
    assert selectors.mfa_secret_of(mfa_person) == TOTP_SECRET


def test_another_key_cannot_open_the_secret_but_a_listed_old_key_can(mfa_person, settings):
    old_key = settings.SECRET_KEY
    with override_settings(FIELD_ENCRYPTION_KEY="a-completely-different-key"):
        assert selectors.mfa_secret_of(mfa_person) is None
    with override_settings(SECRET_KEY="rotated-secret-key-" * 3):
        assert selectors.mfa_secret_of(mfa_person) is None
    # Rotation: the old key as a fallback, whether moving to a new SECRET_KEY or to a dedicated key.
    with override_settings(SECRET_KEY="rotated-secret-key-" * 3, SECRET_KEY_FALLBACKS=[old_key]):
        assert selectors.mfa_secret_of(mfa_person) == TOTP_SECRET
    with override_settings(FIELD_ENCRYPTION_KEY="a-dedicated-key", FIELD_ENCRYPTION_KEY_FALLBACKS=[old_key]):
        assert selectors.mfa_secret_of(mfa_person) == TOTP_SECRET


def test_recovery_codes_still_work_when_the_secret_cannot_be_decrypted(client, mfa_person):
    login_post(client, mfa_person.email)
    with override_settings(FIELD_ENCRYPTION_KEY="a-completely-different-key"):
        assert client.post("/login/mfa/", {"code": totp_code()}).status_code == 200
        assert client.post("/login/mfa/", {"code": mfa_person.recovery_codes[0]}).status_code == 302


# --------------------------------------------------------------------------- the second log-in step


def test_login_asks_for_the_code_after_the_right_password(client, mfa_person):
    response = login_post(client, mfa_person.email, REMOTE_ADDR="203.0.113.5")
    assert response["Location"] == "/login/mfa/"
    assert "_auth_user_id" not in client.session
    page = client.get("/login/mfa/")
    assert b"mfa@acme.example" in page.content
    response = client.post("/login/mfa/", {"code": totp_code()}, REMOTE_ADDR="203.0.113.5")
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(mfa_person.pk)
    mfa_person.refresh_from_db()
    assert mfa_person.last_login_ip == "203.0.113.5"
    assert AuditLog.objects.get(event="auth.login").changes["after"]["second_factor"] == "totp"


def test_the_second_step_cannot_be_reached_without_the_password(client, mfa_person):
    response = client.post("/login/mfa/", {"code": totp_code()}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert b"Please start again" in response.content
    assert "_auth_user_id" not in client.session


def test_the_second_step_expires(client, mfa_person):
    login_post(client, mfa_person.email)
    session = client.session
    session["accounts.mfa_pending"]["expires"] = 0
    session.save()
    response = client.post("/login/mfa/", {"code": totp_code()})
    assert response["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_wrong_codes_count_towards_the_lockout(client, mfa_person):
    login_post(client, mfa_person.email)
    for _ in range(4):
        response = client.post("/login/mfa/", {"code": "000000"})
        assert response.status_code == 200
        assert b"That code is not right" in response.content
    response = client.post("/login/mfa/", {"code": "000000"}, follow=True)
    assert response.redirect_chain[-1][0] == "/login/"
    assert b"Try again in 15 minutes" in response.content
    mfa_person.refresh_from_db()
    assert mfa_person.is_locked
    assert AuditLog.objects.filter(event="auth.login_failed", changes__after__reason="bad_code").count() == 5


def test_a_totp_code_works_only_once(client, mfa_person):
    code = totp_code()
    login_post(client, mfa_person.email)
    assert client.post("/login/mfa/", {"code": code}).status_code == 302
    client.logout()
    login_post(client, mfa_person.email)
    response = client.post("/login/mfa/", {"code": code})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_logs_in_once(client, mfa_person):
    code = mfa_person.recovery_codes[3]
    login_post(client, mfa_person.email)
    response = client.post("/login/mfa/", {"code": code.upper().replace("-", " ")}, follow=True)
    assert client.session["_auth_user_id"] == str(mfa_person.pk)
    assert b"You used a recovery code; 9 are left." in response.content
    entry = AuditLog.objects.get(event="mfa.recovery_code_used")
    assert entry.actor == mfa_person and entry.changes["after"]["recovery_codes_left"] == 9
    assert AuditLog.objects.get(event="auth.login").changes["after"]["second_factor"] == "recovery_code"
    client.post("/logout/")
    login_post(client, mfa_person.email)
    response = client.post("/login/mfa/", {"code": code})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert "_auth_user_id" not in client.session


def test_a_recovery_code_of_someone_else_does_not_work(client, mfa_person, person):
    MfaRecoveryCodeFactory(user=person, code="abcd-efgh-ijkm-nop2")
    login_post(client, mfa_person.email)
    assert client.post("/login/mfa/", {"code": "abcd-efgh-ijkm-nop2"}).status_code == 200
    assert "_auth_user_id" not in client.session


# --------------------------------------------------------------------------- turning it off, new codes


def test_turning_mfa_off_needs_a_right_code(client, mfa_person):
    login_with_mfa(client, mfa_person)
    response = client.post("/account/mfa/disable/", {"disable-code": "000000"})
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    mfa_person.refresh_from_db()
    assert mfa_person.mfa_enabled
    response = client.post("/account/mfa/disable/", {"disable-code": totp_code()}, follow=True)
    assert b"Two-factor authentication is off." in response.content
    mfa_person.refresh_from_db()
    assert not mfa_person.mfa_enabled and mfa_person.mfa_secret is None
    assert not MfaRecoveryCode.objects.filter(user=mfa_person).exists()
    assert AuditLog.objects.get(event="mfa.disable").changes["after"]["mfa_enabled"] is False
    # And the next log-in is by password alone.
    client.logout()
    assert login_post(client, mfa_person.email)["Location"] == "/"


def test_an_admin_cannot_turn_mfa_off(client, admin_user):
    login_with_mfa(client, admin_user)
    page = client.get("/account/")
    assert b"required for your role" in page.content
    assert b'action="/account/mfa/disable/"' not in page.content
    response = client.post("/account/mfa/disable/", {"disable-code": totp_code()}, follow=True)
    assert b"required for your role" in response.content
    admin_user.refresh_from_db()
    assert admin_user.mfa_enabled
    assert not AuditLog.objects.filter(event="mfa.disable").exists()


def test_new_recovery_codes_replace_the_old_ones(client, mfa_person):
    login_with_mfa(client, mfa_person)
    old = mfa_person.recovery_codes[0]
    response = client.post("/account/mfa/recovery-codes/", {"regenerate-code": totp_code()})
    codes = re.findall(r"<code>([a-z2-7-]{19})</code>", response.content.decode())
    assert len(codes) == 10 and old not in codes
    assert AuditLog.objects.filter(event="mfa.recovery_codes_regenerate").exists()
    client.logout()
    login_post(client, mfa_person.email)
    assert client.post("/login/mfa/", {"code": old}).status_code == 200
    assert client.post("/login/mfa/", {"code": codes[0]}).status_code == 302


def test_bad_codes_on_the_settings_page_are_shown_again_with_clear_errors(client, mfa_person):
    login_with_mfa(client, mfa_person)
    for url, field in [
        ("/account/mfa/disable/", "disable-code"),
        ("/account/mfa/recovery-codes/", "regenerate-code"),
    ]:
        response = client.post(url, {field: "not a code"})
        assert response.status_code == 200
        assert b"Enter the 6 digits your authenticator app shows" in response.content


# --------------------------------------------------------------------------- the admin site


def test_an_admin_without_mfa_is_sent_to_enrol_before_the_admin_site(client, org_a):
    admin = AdminFactory(email="new-admin@acme.example", organization=org_a)
    client.force_login(admin)
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == "/account/mfa/setup/?next=/admin/accounts/user/"
    _, response = _enrol_through_the_pages(client, next_url="/admin/accounts/user/")
    assert b'href="/admin/accounts/user/"' in response.content  # "carry on" leads back
    assert client.get("/admin/accounts/user/").status_code == 200


def test_an_admin_is_sent_to_enrol_straight_after_logging_in(client, org_a):
    admin = AdminFactory(email="new-admin@acme.example", organization=org_a)
    response = client.post("/login/?next=/admin/", {"email": admin.email, "password": PASSWORD})
    assert response["Location"] == "/account/mfa/setup/?next=%2Fadmin%2F"


def test_an_admin_session_that_skipped_the_second_factor_is_asked_for_it(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/")
    assert response["Location"] == "/account/mfa/verify/?next=/admin/"
    assert client.post("/account/mfa/verify/?next=/admin/", {"code": "000000"}).status_code == 200
    response = client.post("/account/mfa/verify/", {"code": totp_code(), "next": "/admin/"})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert AuditLog.objects.filter(event="auth.mfa_step_up", actor=admin_user).exists()


def test_an_admin_logs_in_with_password_and_code_and_reaches_the_admin(client, admin_user):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/login/?next=/admin/"
    response = client.post("/login/?next=/admin/", {"email": admin_user.email, "password": PASSWORD})
    assert response["Location"] == "/login/mfa/"
    response = client.post("/login/mfa/", {"code": totp_code()})
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_the_admins_own_login_and_password_forms_are_replaced_by_ours(client, admin_user):
    response = client.post("/admin/login/?next=/admin/", {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/admin/"
    assert "_auth_user_id" not in client.session
    login_with_mfa(client, admin_user)
    assert client.get("/admin/password_change/")["Location"] == "/account/password/"


def test_an_admin_can_reset_a_users_mfa_from_the_admin(client, admin_user, mfa_person):
    login_with_mfa(client, admin_user)
    response = client.post(
        "/admin/accounts/user/",
        {"action": "reset_mfa", "_selected_action": [str(mfa_person.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    mfa_person.refresh_from_db()
    assert not mfa_person.mfa_enabled and mfa_person.mfa_secret is None
    entry = AuditLog.objects.get(event="mfa.reset")
    assert entry.actor == admin_user and entry.resource_id == mfa_person.pk


# --------------------------------------------------------------------------- the demo admin


def test_the_demo_admin_has_the_documented_secret_and_demo_totp_prints_a_working_code(client):
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    call_command("seed_demo", stdout=io.StringIO())
    assert "DEMO ADMI NTOT PSEC RETF ORLO CALU SE23" in out.getvalue()
    admin = User.objects.get(email=DEMO_ADMIN_EMAIL)
    assert admin.mfa_enabled and selectors.mfa_secret_of(admin) == DEMO_ADMIN_TOTP_SECRET
    assert AuditLog.objects.filter(event="mfa.enable", resource_id=admin.pk).count() == 1
    printed = io.StringIO()
    call_command("demo_totp", stdout=printed)
    code = printed.getvalue().split()[0]
    assert re.fullmatch(r"\d{6}", code)
    client.post("/login/", {"email": DEMO_ADMIN_EMAIL, "password": "demo-admin-password"})
    assert client.post("/login/mfa/", {"code": code})["Location"] == "/"
    assert client.get("/admin/").status_code == 200
