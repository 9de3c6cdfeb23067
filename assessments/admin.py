from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from assessments.framework_io import framework_copy
from assessments.models import (
    Answer,
    Assessment,
    AssessmentEvent,
    Dimension,
    Framework,
    Indicator,
    Invitation,
    LevelDescriptor,
    Membership,
    Organization,
    PriorAnswer,
    Program,
    Respondent,
    RespondentAnswer,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class ProgramInline(admin.TabularInline):
    model = Program
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sector", "region", "size"]
    list_filter = ["sector", "size"]
    search_fields = ["name", "region"]
    inlines = [MembershipInline, ProgramInline]


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organization", "service_area"]
    search_fields = ["name", "organization__name"]
    list_select_related = ["organization"]


# The mixin is read as the model admin it is mixed into.
if TYPE_CHECKING:
    _ModelAdmin = admin.ModelAdmin[Any]
else:
    _ModelAdmin = object


class LockedFrameworkMixin(_ModelAdmin):
    """Parts of a framework that assessments use are shown read-only."""

    def framework_of(self, obj) -> Framework | None:
        raise NotImplementedError

    def is_locked(self, obj) -> bool:
        framework = self.framework_of(obj) if obj is not None else None
        return framework is not None and framework.is_locked

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self.is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self.is_locked(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if self.is_locked(obj):
            messages.warning(
                request,
                _(
                    "This framework version is used by assessments, so it cannot be changed. "
                    "Use “Copy as a new version” on the framework list, then edit the copy."
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)


class DimensionInline(admin.StackedInline):
    model = Dimension
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(LockedFrameworkMixin, SimpleHistoryAdmin):
    list_display = ["title", "slug", "version", "created_at"]
    inlines = [DimensionInline]
    actions = ["copy_as_new_version"]

    def framework_of(self, obj):
        return obj

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location=action_location)
        actions.pop("delete_selected", None)  # bulk delete would bypass the lock
        return actions

    @admin.action(description=_("Copy as a new version"))
    def copy_as_new_version(self, request, queryset):
        copies = [framework_copy(framework) for framework in queryset]
        self.message_user(
            request,
            ngettext("Created %(names)s.", "Created %(names)s.", len(copies))
            % {"names": ", ".join(str(c) for c in copies)},
            messages.SUCCESS,
        )


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    show_change_link = True


@admin.register(Dimension)
class DimensionAdmin(LockedFrameworkMixin, SimpleHistoryAdmin):
    list_display = ["name", "framework", "order"]
    list_select_related = ["framework"]
    inlines = [IndicatorInline]
    actions = None

    def framework_of(self, obj):
        return obj.framework


class LevelDescriptorInline(admin.TabularInline):
    model = LevelDescriptor
    extra = 0
    max_num = 4


@admin.register(Indicator)
class IndicatorAdmin(LockedFrameworkMixin, SimpleHistoryAdmin):
    list_display = ["key", "statement", "dimension"]
    list_filter = ["dimension__framework", "dimension__key"]
    list_select_related = ["dimension__framework"]
    search_fields = ["key", "statement"]
    inlines = [LevelDescriptorInline]
    actions = None

    def framework_of(self, obj):
        return obj.dimension.framework


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    readonly_fields = ("indicator", "level", "evidence", "confidence", "answered_by", "updated_at")
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = AssessmentEvent
    extra = 0
    readonly_fields = ["kind", "by", "at", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(SimpleHistoryAdmin):
    """Read-only: assessments change through the app, where every step is recorded."""

    list_display = ["program", "cycle", "status", "framework", "submitted_at"]
    list_filter = ["status", "framework"]
    list_select_related = ["program", "framework"]
    search_fields = ["program__name", "program__organization__name", "cycle__name"]
    inlines = [AnswerInline, EventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin):
    """Changes happen in the app, where each is recorded; staff read every version here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Answer)
class AnswerAdmin(ReadOnlyHistoryAdmin):
    list_display = ["assessment", "indicator", "level", "answered_by", "updated_at"]
    list_select_related = ["assessment__program", "indicator", "answered_by"]
    search_fields = ["assessment__program__name", "indicator__key"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "role"]
    list_filter = ["role"]
    list_select_related = ["user", "organization"]
    search_fields = ["user__username", "user__email", "organization__name"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyHistoryAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at"]
    list_select_related = ["organization"]
    exclude = ["token_hash"]


@admin.register(Respondent)
class RespondentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["user", "assessment", "assigned_at", "submitted_at", "reminded_at"]
    list_select_related = ["user", "assessment__program"]


@admin.register(PriorAnswer)
class PriorAnswerAdmin(ReadOnlyHistoryAdmin):
    """A draft's answers set aside when respondents were first assigned."""

    list_display = ["assessment", "indicator", "level", "answered_by", "answered_at"]
    list_select_related = ["assessment__program", "indicator", "answered_by"]


@admin.register(RespondentAnswer)
class RespondentAnswerAdmin(ReadOnlyHistoryAdmin):
    list_display = ["respondent", "indicator", "level", "updated_at"]
    list_select_related = ["respondent__user", "indicator"]
