from django.contrib import admin

from surveys.models import ProgramQuestion, Survey


class ProgramQuestionInline(admin.TabularInline):
    model = ProgramQuestion
    extra = 0
    fields = ["position", "kind", "text", "choices"]


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    # Responses are not listed: they are read through the results pages, with their protection.
    list_display = ["title", "program", "opens_on", "closes_on", "codes_required"]
    search_fields = ["title", "program__name", "program__organization__name"]
    list_select_related = ["program"]
    raw_id_fields = ["program", "created_by"]
    inlines = [ProgramQuestionInline]

    def get_readonly_fields(self, request, obj=None):
        """The link's token once the survey has one: the add form has none to show."""
        return ["token"] if obj is not None else []
