"""The form that starts a response export: its format and the sessions' filters, checked before use."""

from __future__ import annotations

from django import forms

from sessions_app.export_models import ExportFormat
from sessions_app.export_selectors import ExportFilters, FiltersInvalid, filters_parse
from sessions_app.models import SessionStatus

_DATE = {
    "required": False,
    "input_formats": ["%Y-%m-%d"],
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "error_messages": {"invalid": "Write the date as YYYY-MM-DD."},
}


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=ExportFormat.choices,
        initial=ExportFormat.XLSX,
        error_messages={"invalid_choice": f"Choose one of {', '.join(ExportFormat.values)}."},
    )
    date_from = forms.DateField(label="Started on or after", **_DATE)
    date_to = forms.DateField(label="Started on or before", **_DATE)
    version = forms.IntegerField(label="Version", required=False, min_value=1)
    industry = forms.CharField(label="Industry", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any status"), *SessionStatus.choices]
    )

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].widget = forms.Select(
            choices=[("", "Every version"), *((v, f"Version {v}") for v in versions)]
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["filters"] = filters_parse(data)
        except FiltersInvalid as invalid:
            for field, messages in invalid.errors.items():
                for message in messages:
                    self.add_error(field, message)
        return data

    @property
    def filters(self) -> ExportFilters:
        return self.cleaned_data["filters"]
