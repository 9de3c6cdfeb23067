"""Staff manage cohorts here; a co-facilitator is added on the cohort's admin page."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cohorts.models import Cohort, CohortMember, Facilitator, SharedGoal, Workgroup


class FacilitatorInline(admin.TabularInline):
    model = Facilitator
    extra = 1
    raw_id_fields = ["user"]


class SharedGoalInline(admin.TabularInline):
    model = SharedGoal
    extra = 0
    fields = ["title", "measure", "target", "target_date", "target_year", "order"]


@admin.register(Cohort)
class CohortAdmin(SimpleHistoryAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    raw_id_fields = ["created_by"]
    inlines = [FacilitatorInline, SharedGoalInline]


@admin.register(CohortMember)
class CohortMemberAdmin(SimpleHistoryAdmin):
    """Consent is the organization's to give: staff read it here, leaders change it."""

    list_display = ["organization", "cohort", "status", "sharing", "shares_outcomes"]
    list_filter = ["status", "sharing", "cohort"]
    search_fields = ["organization__name", "cohort__name"]
    list_select_related = ["organization", "cohort"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Workgroup)
class WorkgroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "cohort", "goal"]
    search_fields = ["name", "cohort__name"]
    filter_horizontal = ["organizations"]
