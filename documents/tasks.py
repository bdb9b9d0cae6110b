"""Celery tasks of the documents app: generation (one task per document), the outbox drain and the
stalled-document sweep.

The message is acknowledged only after the task ran (acks_late), and given back to the broker when
the worker process dies under it (reject_on_worker_lost); documents_generate is idempotent, so a
message delivered twice still yields one file and one status history. Retries and their backoff are
Celery's own (autoretry_for, retry_backoff, retry_jitter).
"""

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings

from documents import services
from documents.warmup import renderers_warm_up

worker_init.connect(renderers_warm_up, dispatch_uid="documents-renderers-warm-up")

MAX_RETRIES = getattr(settings, "DOCUMENTS_GENERATION_MAX_RETRIES", 3)


@shared_task(
    bind=True,
    name="documents.tasks.document_generate",
    acks_late=True,
    reject_on_worker_lost=True,
    # Celery retries any error after an exponential backoff from DOCUMENTS_RETRY_BACKOFF seconds, capped
    # at DOCUMENTS_RETRY_BACKOFF_MAX, with full jitter so that documents failing together (a storage
    # outage) do not all come back at the same moment.
    autoretry_for=(Exception,),
    retry_backoff=getattr(settings, "DOCUMENTS_RETRY_BACKOFF", 10),
    retry_backoff_max=getattr(settings, "DOCUMENTS_RETRY_BACKOFF_MAX", 300),
    retry_jitter=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=getattr(settings, "DOCUMENTS_GENERATION_SOFT_TIME_LIMIT", 120),
    time_limit=getattr(settings, "DOCUMENTS_GENERATION_TIME_LIMIT", 180),
    ignore_result=True,
)
def document_generate(self, document_id: str) -> str:
    """Generate one document; Celery retries a failure, and the last try leaves the document FAILED.

    An error that the service could record (GenerationError) is retried unless it was final; any other
    (the database or storage was unreachable, nothing recorded) is retried, and raised after the last try.
    """
    try:
        document = services.document_generate(
            document_id=document_id,
            attempt=self.request.retries + 1,
            final_attempt=self.request.retries >= self.max_retries,
        )
    except services.GenerationError as error:
        if error.final:  # already FAILED: the last try, or an error no retry can fix
            return "FAILED"
        raise
    return document.status if document is not None else "SKIPPED"


@shared_task(name="documents.tasks.documents_resume_stalled", ignore_result=True)
def documents_resume_stalled() -> int:
    """Queue again documents whose generation message was lost (schedule every few minutes)."""
    return services.documents_resume_stalled()


@shared_task(name="documents.tasks.documents_outbox_drain", ignore_result=True)
def documents_outbox_drain(document_ids: list[str] | None = None) -> int:
    """Send the generation messages waiting in the outbox: these documents' (a completion asks for them
    once it commits), or all a broker outage held back (scheduled every minute)."""
    return services.documents_outbox_drain(document_ids=document_ids)
