from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from outcomes.models import OutcomeCount, OutcomeMeasure


class OutcomeCountInline(admin.TabularInline):
    model = OutcomeCount
    extra = 0
    fields = ["period", "group", "population", "events", "standard"]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "program", "direction", "granularity", "reference"]
    list_filter = ["direction", "granularity"]
    search_fields = ["name", "program__name", "program__organization__name"]
    list_select_related = ["program"]
    raw_id_fields = ["program", "created_by"]
    inlines = [OutcomeCountInline]


@admin.register(OutcomeCount)
class OutcomeCountAdmin(SimpleHistoryAdmin):
    list_display = ["measure", "period", "group", "population", "events", "standard"]
    list_filter = ["group", "standard"]
    search_fields = ["measure__name", "period"]
    list_select_related = ["measure"]
    raw_id_fields = ["measure"]
