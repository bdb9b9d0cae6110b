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
        from documents.review import on_changes_submitted
        from documents.selectors import document_targets
        from documents.services import on_session_complete
        from questionnaires.editors import document_targets_register
        from sessions_app import revisions
        from sessions_app import services as session_services

        # Completing a session creates its documents in the same transaction (documents.services).
        if on_session_complete not in getattr(session_services, "_completion_hooks", ()):
            session_services.on_session_complete(on_session_complete)
        # The client's revised answers regenerate the documents the reviewer asked about (docs/review.md).
        if on_changes_submitted not in getattr(revisions, "_submitted_hooks", ()):
            revisions.on_change_request_submitted(on_changes_submitted)

        metadata_cache.connect_signals()
        # Authoring of document content (types' blocks, the recommendations library) is kept field by
        # field in audit_logs, as questionnaire authoring is.
        for model in (DocumentType, Recommendation):
            if not auditlog.contains(model):
                auditlog.register(model)
        personal_data_register(PERSONAL_DATA)
        # The question page's document mappings pick among the active document types and their sections.
        document_targets_register(document_targets)
