"""django-tasks-db's `db_worker`, with a heartbeat the readiness check reads."""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from valuecurve.heartbeat import start_beating


class Command(DbWorkerCommand):
    def handle(self, *args, **options):
        start_beating()
        return super().handle(*args, **options)
