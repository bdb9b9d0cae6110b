"""Forms of the client's pages: what a browser posts is parsed and bounded here, before a service sees it."""

from django import forms


class SessionStartForm(forms.Form):
    # Django's CharField refuses NUL (PostgreSQL cannot store it) under this error code.
    industry = forms.CharField(
        required=False,
        max_length=100,
        error_messages={
            "max_length": "Enter an industry of at most 100 characters.",
            "null_characters_not_allowed": (
                "The industry contains a NUL character, which cannot be stored. Type it again without it."
            ),
        },
    )


class PreviewForm(forms.Form):
    """An admin's preview of a questionnaire, started from its admin page."""

    industry = forms.CharField(
        max_length=100,
        required=False,
        help_text="The industry the preview answers for (questions tagged for other industries are hidden).",
    )
