"""`manage.py demo_logins`: where to go and how to sign in to the demo that seed_demo loads."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from assessments.management.commands.seed_demo import DEMO_USERS, PASSWORD
from assessments.models import Membership

URL = "http://127.0.0.1:8000"


class Command(BaseCommand):
    help = "Print the demo logins that exist in this database."

    def handle(self, *args, **options) -> None:
        try:
            rows = self._rows()
        except DatabaseError as exc:
            raise CommandError(
                f"The database is not ready ({exc}). Run `make demo` first."
            ) from None
        self.stdout.write(f"Open {URL}")
        if not rows:
            self.stdout.write("No demo logins in this database. Run `python manage.py seed_demo`.")
            return
        self.stdout.write("Demo logins:")
        self.stdout.write(_table(("Username", "Password", "Role", "Organization"), rows))

    def _rows(self) -> list[tuple[str, ...]]:
        """One row per demo user that exists, with the role and organization it really has."""
        usernames = [demo.username for demo in DEMO_USERS]
        users = get_user_model().objects.filter(username__in=usernames)
        by_name = {user.username: user for user in users}
        memberships = Membership.objects.filter(user__in=users).select_related(
            "user", "organization"
        )
        roles: dict[str, list[Membership]] = {}
        for membership in memberships.order_by("organization__name"):
            roles.setdefault(membership.user.username, []).append(membership)
        return [
            row
            for name in usernames
            if name in by_name
            for row in _user_rows(by_name[name], roles.get(name, []))
        ]


def _user_rows(user, memberships: list[Membership]) -> list[tuple[str, ...]]:
    password = PASSWORD if _has_demo_password(user.password) else "(changed)"
    if user.is_superuser:
        return [(user.username, password, "Site administrator", f"{URL}/admin/")]
    if not memberships:
        # Cohorts are read through the relation: assessments does not import them.
        cohorts = [role.cohort.name for role in user.facilitator_roles.select_related("cohort")]
        if cohorts:
            return [(user.username, password, "Cohort facilitator", ", ".join(cohorts))]
        return [(user.username, password, "(no organization)", "")]
    return [
        (user.username, password, m.get_role_display(), m.organization.name) for m in memberships
    ]


@cache
def _has_demo_password(encoded: str) -> bool:
    """Only show the demo password where it still works. Cached per hash: seed_demo gives the
    demo users one shared hash, and each check costs most of a second. No upgrade, no save."""
    return check_password(PASSWORD, encoded)


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [header, tuple("-" * width for width in widths), *rows]
    return "\n".join(
        ("  " + "  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True))).rstrip()
        for line in lines
    )
