"""Forms of the client's pages: what a browser posts is parsed and bounded here, before a service sees it."""

from django import forms

from questionnaires.rules import industry_key


class SessionStartForm(forms.Form):
    """The start card: the client's industry, picked from a list (never typed), when the questionnaire
    does not ask it among its questions. A value spelt differently from the list's ("Health care" for
    "healthcare") is that industry (``industry_key``)."""

    # Django's CharField refuses NUL (PostgreSQL cannot store it) under this error code.
    industry = forms.CharField(
        required=False,
        max_length=100,
        error_messages={
            "max_length": "Choose your industry from the list.",
            "null_characters_not_allowed": "Choose your industry from the list.",
        },
    )

    def __init__(self, *args, industries: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.industries = list(industries)

    def clean_industry(self) -> str:
        given = self.cleaned_data["industry"]
        if not industry_key(given):
            return ""
        for industry in self.industries:
            if industry_key(industry) == industry_key(given):
                return industry
        raise forms.ValidationError("Choose your industry from the list.")


class PreviewForm(forms.Form):
    """An admin's preview of a questionnaire, started from its admin page."""

    industry = forms.CharField(
        max_length=100,
        required=False,
        help_text="The industry the preview answers for (questions tagged for other industries are hidden).",
    )
