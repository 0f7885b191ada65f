"""The tasks the worker (`manage.py mail_worker`, django-tasks' database backend) runs.

A sign-up or an issue sent now enqueues `send_due_mail` at once; `tick` runs it every
TICK and enqueues its own next run, so alert runs and scheduled issues go out on time
without cron. Running either twice at once is harmless: deliveries are claimed, not taken.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from . import mailings

TICK = datetime.timedelta(minutes=1)


@task()
def send_due_mail():
    mailings.send_due()


@task()
def tick():
    try:
        mailings.send_due()
    finally:
        schedule_tick()


def send_soon():
    """Have the worker send what is due as soon as this transaction is committed."""
    transaction.on_commit(send_due_mail.enqueue)


def schedule_tick(now=None):
    """Enqueue the next tick unless one is waiting already."""
    if not DBTaskResult.objects.filter(task_path=tick.module_path, status="READY").exists():
        tick.using(run_after=(now or timezone.now()) + TICK).enqueue()
