from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from accounts.gdpr import personal_data_register
        from documents import metadata_cache
        from documents.gdpr import PERSONAL_DATA
        from documents.services import on_session_complete
        from sessions_app import services as session_services

        # Completing a session creates its documents in the same transaction (documents.services).
        if on_session_complete not in getattr(session_services, "_completion_hooks", ()):
            session_services.on_session_complete(on_session_complete)

        metadata_cache.connect_signals()
        personal_data_register(PERSONAL_DATA)
