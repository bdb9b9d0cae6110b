from django.apps import AppConfig


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = "Questionnaires"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from questionnaires import structure

        # A change to a questionnaire, section, question or rule drops its cached structure.
        structure.connect_signals()
