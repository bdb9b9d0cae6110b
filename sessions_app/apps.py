from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    name = "sessions_app"
    verbose_name = "Client sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.gdpr import personal_data_register
        from questionnaires.signals import draft_deleting
        from sessions_app import services
        from sessions_app.gdpr import PERSONAL_DATA
        from sessions_app.invitations import invitation_session_completed

        personal_data_register(PERSONAL_DATA)
        # A session started from an invitation completes the invitation, in the same transaction.
        if invitation_session_completed not in getattr(services, "_completion_hooks", ()):
            services.on_session_complete(invitation_session_completed)
        # An admin's previews answer a draft's questions; they go before any part of the draft is deleted.
        draft_deleting.connect(_previews_discard, dispatch_uid="sessions_app.previews_discard")


def _previews_discard(sender, *, questionnaire, actor, **kwargs):
    from sessions_app.services import previews_discard

    previews_discard(questionnaire=questionnaire, actor=actor)
