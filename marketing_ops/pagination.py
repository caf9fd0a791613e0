from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """``?page=`` with ``count`` and ``results`` (docs/api.md); ``?page_size=`` up to 500."""

    page_size_query_param = "page_size"
    max_page_size = 500
