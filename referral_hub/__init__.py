"""Project base. The Celery app loads with Django so ``@shared_task`` binds to it."""

from referral_hub.celery import app as celery_app

__all__ = ("celery_app",)
