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
