"""Small helpers shared by the arrears pages."""

from django.http import HttpRequest

#: Rows per page of every paginated arrears list.
PER_PAGE = 25


def wants_xlsx(request: HttpRequest) -> bool:
    """``?export=xlsx``: the page's tables as a workbook instead of HTML."""
    return request.GET.get("export") == "xlsx"
