import django_filters

from marketing_ops.models import Briefing, ImportJob


class ImportJobFilter(django_filters.FilterSet):
    class Meta:
        model = ImportJob
        fields = ["dataset", "status"]


class BriefingFilter(django_filters.FilterSet):
    class Meta:
        model = Briefing
        fields = ["kind", "scope"]
