"""Forms of the invitation pages: what staff and invited clients post, bounded before a service sees it."""

from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms

from sessions_app.invitation_csv import MAX_BYTES, MAX_EMAIL_LENGTH, MAX_MESSAGE_LENGTH, MAX_ROWS
from sessions_app.invitation_models import InvitationStatus


class QuestionnaireChoiceField(forms.ChoiceField):
    """A questionnaire among those given (the organization's published ones), returned as its object."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label="Questionnaire", **kwargs)
        self.questionnaires: dict[str, object] = {}

    def set_questionnaires(self, questionnaires) -> None:
        self.questionnaires = {str(q.pk): q for q in questionnaires}
        self.choices = [("", "Choose a questionnaire…")] + [
            (str(q.pk), f"{q.name} (version {q.version})") for q in questionnaires
        ]

    def clean(self, value):
        value = super().clean(value)
        return self.questionnaires[value]


class _WithQuestionnaire(forms.Form):
    questionnaire = QuestionnaireChoiceField(
        error_messages={
            "required": "Choose a questionnaire.",
            "invalid_choice": "Choose one of your organization's published questionnaires.",
        }
    )

    def __init__(self, *args, questionnaires=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].set_questionnaires(list(questionnaires))


class InvitationForm(_WithQuestionnaire):
    email = forms.EmailField(
        label="Client's e-mail address",
        max_length=MAX_EMAIL_LENGTH,
        error_messages={
            "required": "Enter the client's e-mail address.",
            "invalid": "Enter a valid e-mail address.",
        },
    )
    due_date = forms.DateField(
        label="Due date",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Optional. The session expires at the end of this day; the link, at the latest then.",
        error_messages={"invalid": "Write the due date as YYYY-MM-DD."},
    )
    message = forms.CharField(
        label="Message to the client",
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional. Shown in the e-mail, under your name.",
    )

    field_order = ["email", "questionnaire", "due_date", "message"]


class InvitationUploadForm(_WithQuestionnaire):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Columns email, due_date (YYYY-MM-DD, optional) and message (optional); "
        f"at most {MAX_ROWS} rows.",
        error_messages={"required": "Choose a CSV file.", "empty": "The file is empty."},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {MAX_BYTES // 1024} KB: split it into several files."
            )
        return upload


class InvitationStatusFilter(forms.Form):
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *InvitationStatus.choices]
    )


class InvitationPasswordForm(auth_forms.SetPasswordForm):
    """The new client's password, checked by the project's password validators (settings)."""

    def save(self, commit=True):  # the service saves it (sessions_app.invitations.invitation_password_set)
        raise NotImplementedError
