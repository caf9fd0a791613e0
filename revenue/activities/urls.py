"""Included into revenue/urls.py (namespace "revenue")."""

urlpatterns: list = []
api_urlpatterns: list = []
