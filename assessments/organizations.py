"""Organizations and programs created and managed in the app by their leaders."""

from django.db import transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.checklist import OrganizationFacts
from assessments.models import Assessment, Invitation, Membership, Organization, Program, Role


class ProgramError(Exception):
    """A change to an organization or a program that was refused; the message is shown."""


@transaction.atomic
def organization_create(*, organization: Organization, by) -> Membership:
    """Save a new organization (from its form) and make its creator its first leader. A
    second one of the same name by the same leader is refused: it is the form sent twice."""
    led = Organization.objects.filter(memberships__user=by, memberships__role=Role.LEADER)
    if led.filter(name__iexact=organization.name).exists():
        raise ProgramError(_("You already lead an organization named “%s”.") % organization.name)
    organization._history_user = by
    organization.save()
    membership = Membership(user=by, organization=organization, role=Role.LEADER)
    membership._history_user = by
    membership.save()
    return membership


def organization_update(*, organization: Organization, by) -> None:
    organization._history_user = by
    organization.save(update_fields=["name", "sector", "region", "size", "language"])


@transaction.atomic
def program_save(*, program: Program, by) -> Program:
    """Create or edit a program from its form. Names are unique in an organization (archived
    programs included), so a form sent twice adds one program."""
    Organization.objects.select_for_update().get(pk=program.organization_id)
    same = Program.objects.filter(organization_id=program.organization_id)
    if same.filter(name__iexact=program.name).exclude(pk=program.pk).exists():
        raise ProgramError(
            _("This organization already has a program named “%s” (perhaps archived).")
            % program.name
        )
    program._history_user = by
    program.save()
    return program


@transaction.atomic
def program_archive(*, program: Program, by) -> None:
    """Take the program out of every list; its assessments, plans and history stay."""
    program = Program.objects.select_for_update().get(pk=program.pk)
    if program.is_archived:
        raise ProgramError(_("This program is archived already."))
    program.archived_at = timezone.now()
    program._history_user = by
    program.save(update_fields=["archived_at"])


@transaction.atomic
def program_restore(*, program: Program, by) -> None:
    program = Program.objects.select_for_update().get(pk=program.pk)
    if not program.is_archived:
        raise ProgramError(_("This program is not archived."))
    program.archived_at = None
    program._history_user = by
    program.save(update_fields=["archived_at"])


def organization_facts(organization_ids: list) -> dict:
    """What the home page's checklist needs to know of each organization, in one query."""
    here = OuterRef("pk")
    rows = Organization.objects.filter(pk__in=organization_ids).annotate(
        member_count=Count("memberships", distinct=True),
        has_program=Exists(Program.objects.active().filter(organization=here)),
        has_invitation=Exists(Invitation.objects.pending().filter(organization=here)),
        has_assessment=Exists(Assessment.objects.filter(program__organization=here)),
    )
    return {
        row.pk: OrganizationFacts(
            has_profile=bool(row.region and row.size),
            has_program=row.has_program,
            has_team=row.member_count > 1 or row.has_invitation,
            has_assessment=row.has_assessment,
            has_commitment=bool(row.commitment_statement.strip()),
        )
        for row in rows
    }
