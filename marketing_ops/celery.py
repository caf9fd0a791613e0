"""Celery application: Redis broker from REDIS_URL, JSON only; settings under CELERY_*."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketing_ops.settings")

app = Celery("marketing_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
