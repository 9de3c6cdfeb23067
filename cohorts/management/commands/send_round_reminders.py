"""`manage.py send_round_reminders`: the daily run of the cohort round emails (an email to each
member's leaders when a round opens, one reminder before its deadline to those that have not
submitted). Safe to run more than once a day: nothing is sent twice."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cohorts.round_emails import round_emails_send, send_round_emails


class Command(BaseCommand):
    help = "Send the cohort round emails due today (opened rounds, deadline reminders)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the run for the task worker (manage.py db_worker) instead.",
        )
        parser.add_argument("--date", help="Send as on this day (YYYY-MM-DD), such as to catch up.")

    def handle(self, *args, **options) -> None:
        if options["enqueue"]:
            send_round_emails.enqueue()
            self.stdout.write("Queued the round emails for the task worker.")
            return
        sent = round_emails_send(today=self._day(options["date"]))
        self.stdout.write(
            f"Round emails sent to {sent['opened']} organizations for opened rounds and "
            f"{sent['reminder']} for deadlines."
        )

    def _day(self, value: str | None) -> date:
        if not value:
            return timezone.localdate()
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--date must be a day such as 2027-03-01, not {value!r}.") from None
