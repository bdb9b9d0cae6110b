from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from questionnaires import structure
        from questionnaires.models import Question, Questionnaire, Section, VisibilityRule

        # A change to a questionnaire, section, question or rule drops its cached structure.
        structure.connect_signals()
        # Every authoring change is kept field by field (before and after, and the admin who made
        # it) in audit_logs, and shown from each object's admin page.
        for model in (Questionnaire, Section, Question, VisibilityRule):
            if not auditlog.contains(model):
                auditlog.register(model)
