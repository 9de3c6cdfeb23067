from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """50 items a page by default; `page_size` asks for 1 to 200. A page or size that is not
    a whole number in range is a 400; a page past the last, a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        text = request.query_params.get(self.page_query_param)
        if text is None:
            return 1
        if not text.isascii() or not text.isdigit() or int(text) < 1:
            message = _("Give a page number from 1.")
            raise ValidationError({self.page_query_param: [message]})
        return int(text)

    def get_page_size(self, request):
        text = request.query_params.get(self.page_size_query_param)
        if text is None:
            return self.page_size
        if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= self.max_page_size:
            message = _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            raise ValidationError({self.page_size_query_param: [message]})
        return int(text)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {
            self.page_query_param: {"minimum": 1},
            self.page_size_query_param: {"minimum": 1, "maximum": self.max_page_size},
        }
        for parameter in parameters:
            parameter["schema"] |= bounds.get(parameter["name"], {})
        return parameters


NULLABLE_STRING = {"type": "string", "nullable": True}
ROUND_SCHEMA = {
    "type": "object",
    "nullable": True,
    "description": "The cohort round the table is of; null when the cohort has none.",
    "required": ["id", "name", "starts_on", "ends_on", "submitted"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "name": {"type": "string"},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "submitted": {"type": "integer"},
    },
}
LEFT_OUT_SCHEMA = {
    "left_out": {
        "type": "integer",
        "description": "Sharing members this token does not see: they require two-factor "
        "sign-in and the token was not made in a two-factor verified session.",
    },
    "left_out_reason": {**NULLABLE_STRING, "description": "Why, when any is left out."},
}


class CohortPages(Pages):
    """A cohort table's pages, headed by what the view says about them (`view.about`): how
    many members the token's scope leaves out and why, and for a round's table the round."""

    about = LEFT_OUT_SCHEMA

    def paginate_queryset(self, queryset, request, view=None):
        self.view_about = view.about
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data = {**self.view_about, **response.data}
        return response

    def get_paginated_response_schema(self, schema):
        paginated = super().get_paginated_response_schema(schema)
        paginated["properties"] = {**self.about, **paginated["properties"]}
        paginated["required"] = [*self.about, *paginated["required"]]
        return paginated


class RoundPages(CohortPages):
    about = {"round": ROUND_SCHEMA, **LEFT_OUT_SCHEMA}
