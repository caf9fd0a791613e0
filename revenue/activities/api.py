"""Read-only API of the activities under /api/v1/revenue/
(docs/rules.md#business-development-activities, docs/api.md): scoped like the
pages (another county's record is a 404), filtered with the pages' filters."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers

from marketing_ops.api import SelectorQuerysetMixin
from revenue.activities import filters, selectors
from revenue.models import (
    CaseTag,
    FieldVisit,
    FollowUpAction,
    MarketingCase,
    TariffPackage,
    Training,
)


def _county_codes() -> serializers.SlugRelatedField:
    return serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="code", help_text="County codes."
    )


class TariffPackageSerializer(serializers.ModelSerializer):
    counties = _county_codes()

    class Meta:
        model = TariffPackage
        fields = [
            "id",
            "name",
            "monthly_fee",
            "description",
            "status",
            "applied_on",
            "approved_on",
            "counties",
            "created_at",
            "updated_at",
        ]


class TrainingSerializer(serializers.ModelSerializer):
    counties = _county_codes()

    class Meta:
        model = Training
        fields = [
            "id",
            "date",
            "kind",
            "topic",
            "counties",
            "attendees",
            "attendee_names",
            "notes",
            "created_at",
            "updated_at",
        ]


class MarketingCaseSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    # many=True: DRF wraps the field in a ManyRelatedField; the stubs keep the field's type.
    tags: serializers.SlugRelatedField[CaseTag] = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name"
    )
    created_by = serializers.CharField(
        source="created_by.username", default=None, allow_null=True, read_only=True
    )

    class Meta:
        model = MarketingCase
        fields = [
            "id",
            "county",
            "title",
            "what_was_done",
            "result",
            "new_households",
            "revenue_gain",
            "tags",
            "created_by",
            "created_at",
            "updated_at",
        ]


class FollowUpSerializer(serializers.ModelSerializer):
    visit = serializers.IntegerField(source="visit_id", read_only=True)
    county = serializers.CharField(source="visit.county.code", read_only=True)
    owner = serializers.CharField(source="owner.username", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = FollowUpAction
        fields = [
            "id",
            "visit",
            "county",
            "description",
            "owner",
            "due_on",
            "done",
            "done_on",
            "overdue",
        ]

    @extend_schema_field(serializers.BooleanField(help_text="Not done and past its due date."))
    def get_overdue(self, action: FollowUpAction) -> bool:
        return action.is_overdue(timezone.localdate())


class NestedFollowUpSerializer(FollowUpSerializer):
    class Meta(FollowUpSerializer.Meta):
        fields = ["id", "description", "owner", "due_on", "done", "done_on", "overdue"]


class FieldVisitSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", read_only=True)
    created_by = serializers.CharField(
        source="created_by.username", default=None, allow_null=True, read_only=True
    )
    open_follow_ups = serializers.IntegerField(source="open_follow_up_count", read_only=True)
    follow_ups = NestedFollowUpSerializer(many=True, read_only=True)

    class Meta:
        model = FieldVisit
        fields = [
            "id",
            "county",
            "date",
            "kind",
            "participants",
            "findings",
            "open_follow_ups",
            "follow_ups",
            "created_by",
            "created_at",
            "updated_at",
        ]


_TAG = ["revenue: activities"]


@extend_schema_view(get=extend_schema(tags=_TAG, summary="Tariff packages in your scope"))
class TariffPackageList(SelectorQuerysetMixin, generics.ListAPIView):
    """Packages; a county user sees those their county promotes."""

    serializer_class = TariffPackageSerializer
    filterset_class = filters.TariffPackageFilter
    selector = staticmethod(selectors.tariff_packages_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="One tariff package"))
class TariffPackageDetail(SelectorQuerysetMixin, generics.RetrieveAPIView):
    serializer_class = TariffPackageSerializer
    selector = staticmethod(selectors.tariff_packages_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="Trainings and meetings in your scope"))
class TrainingList(SelectorQuerysetMixin, generics.ListAPIView):
    """Trainings and meetings; a county user sees those held for their county."""

    serializer_class = TrainingSerializer
    filterset_class = filters.TrainingFilter
    selector = staticmethod(selectors.trainings_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="One training or meeting"))
class TrainingDetail(SelectorQuerysetMixin, generics.RetrieveAPIView):
    serializer_class = TrainingSerializer
    selector = staticmethod(selectors.trainings_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="The marketing case library"))
class MarketingCaseList(SelectorQuerysetMixin, generics.ListAPIView):
    """Cases; ``?q=`` searches title, text, results and tags; ``?tag=`` picks one tag."""

    serializer_class = MarketingCaseSerializer
    filterset_class = filters.MarketingCaseFilter
    selector = staticmethod(selectors.marketing_cases_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="One marketing case"))
class MarketingCaseDetail(SelectorQuerysetMixin, generics.RetrieveAPIView):
    serializer_class = MarketingCaseSerializer
    selector = staticmethod(selectors.marketing_cases_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="Field visits with their follow-ups"))
class FieldVisitList(SelectorQuerysetMixin, generics.ListAPIView):
    serializer_class = FieldVisitSerializer
    filterset_class = filters.FieldVisitFilter
    selector = staticmethod(selectors.field_visit_detail_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="One field visit"))
class FieldVisitDetail(SelectorQuerysetMixin, generics.RetrieveAPIView):
    serializer_class = FieldVisitSerializer
    selector = staticmethod(selectors.field_visit_detail_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="Follow-up actions of field visits"))
class FollowUpList(SelectorQuerysetMixin, generics.ListAPIView):
    """``?overdue=true`` lists open actions past their due date; ``?mine=true`` your own."""

    serializer_class = FollowUpSerializer
    filterset_class = filters.FollowUpFilter
    selector = staticmethod(selectors.follow_ups_for)


@extend_schema_view(get=extend_schema(tags=_TAG, summary="One follow-up action"))
class FollowUpDetail(SelectorQuerysetMixin, generics.RetrieveAPIView):
    serializer_class = FollowUpSerializer
    selector = staticmethod(selectors.follow_ups_for)
