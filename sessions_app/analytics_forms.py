"""The analytics page's filters: started between two dates, a version, an industry (docs/analytics.md).

The version and industry lists come from the figures themselves (one query fewer), so they are checked
after them: a version the questionnaire does not have is refused, an industry no session has matches
nothing.
"""

from __future__ import annotations

from django import forms

from sessions_app.analytics import Filters


class AnalyticsFilterForm(forms.Form):
    started_from = forms.DateField(
        label="Started from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    started_to = forms.DateField(
        label="Started until", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    version = forms.IntegerField(
        label="Version", required=False, min_value=1, max_value=1_000_000, widget=forms.Select
    )
    industry = forms.CharField(label="Industry", required=False, max_length=100, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("started_from", "started_to"):
            self.fields[name].error_messages["invalid"] = "Enter a date such as 2025-03-31."
        for name in ("version", "industry"):
            self.fields[name].widget.choices = [("", "All")]

    def clean(self):
        data = super().clean()
        start, end = data.get("started_from"), data.get("started_to")
        if start and end and start > end:
            self.add_error(
                "started_to",
                f"The date range runs backwards: it ends on {end:%-d %b %Y}, before it starts on "
                f"{start:%-d %b %Y}. Choose an end on or after the start.",
            )
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            started_from=data.get("started_from"),
            started_to=data.get("started_to"),
            version=data.get("version"),
            industry=data.get("industry") or None,
        )

    def choices_set(self, *, versions, industries) -> None:
        """Offer the questionnaire's versions and its sessions' industries; refuse a version it lacks."""
        offered = [(v, f"Version {v}") for v in versions]
        self.fields["version"].widget.choices = [("", "All versions"), *offered]
        industry = self.cleaned_data.get("industry") if hasattr(self, "cleaned_data") else None
        listed = list(industries) + ([industry] if industry and industry not in industries else [])
        self.fields["industry"].widget.choices = [("", "All industries")] + [(i, i) for i in listed]
        version = self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None
        if version is not None and version not in versions:
            message = f"This questionnaire has no version {version}; choose one from the list."
            self.add_error("version", message)
