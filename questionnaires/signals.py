"""Signals for the apps above questionnaires, which it never imports.

``draft_deleting`` is sent, with ``questionnaire`` and ``actor``, just before the admin deletes a
draft questionnaire or any part of it. An admin's previews (sessions_app) answer a draft's questions
and would otherwise block the deletion: they are throwaway, so sessions_app discards them.
"""

from django.dispatch import Signal

draft_deleting = Signal()
