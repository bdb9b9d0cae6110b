from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from accounts.gdpr import personal_data_register
        from documents import metadata_cache
        from documents.gdpr import PERSONAL_DATA
        from documents.models import DocumentType, Recommendation
        from documents.services import on_session_complete
        from sessions_app import services as session_services

        # Completing a session creates its documents in the same transaction (documents.services).
        if on_session_complete not in getattr(session_services, "_completion_hooks", ()):
            session_services.on_session_complete(on_session_complete)

        metadata_cache.connect_signals()
        # Authoring of document content (types' blocks, the recommendations library) is kept field by
        # field in audit_logs, as questionnaire authoring is.
        for model in (DocumentType, Recommendation):
            if not auditlog.contains(model):
                auditlog.register(model)
        personal_data_register(PERSONAL_DATA)
