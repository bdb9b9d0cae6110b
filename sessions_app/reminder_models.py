"""The e-mails sent about a session to bring its client back: one row per reminder, and per link asked for.

The unique (session, kind, period) is what makes a reminder go out at most once per period, however
many runs of the periodic task overlap: a run inserts the row first and e-mails only when its own
insert won (sessions_app/reminders.py). The period of an IDLE reminder is the ``last_activity_at`` it
answers (answering again starts a new one), of a DUE reminder the ``expires_at`` it announces, and of
a LINK the moment the client asked for it (the rows throttle the requests).
"""

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone

from core.basemodels import UUIDModel, choices_check


class ReminderKind(models.TextChoices):
    IDLE = "IDLE", "No answer for some days"
    DUE = "DUE", "Due date near"
    LINK = "LINK", "Link to continue, asked for by the client"


class SessionReminder(UUIDModel):
    session = models.ForeignKey(
        "sessions_app.Session", on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    period = models.DateTimeField()
    sent_at = models.DateTimeField(default=timezone.now, db_default=Now())

    class Meta:
        db_table = "session_reminders"
        ordering = ["-sent_at"]
        constraints = [
            choices_check("kind", ReminderKind, "session_reminders_kind_valid"),
            # Its index also serves every lookup by session (db_index=False above).
            models.UniqueConstraint(
                fields=["session", "kind", "period"], name="session_reminders_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} e-mail about session {self.session_id}"
