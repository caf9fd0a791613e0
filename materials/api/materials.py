"""Materials API (docs/api.md#materials): warehouses, items, balances, the ledger of
moves and a terminal's history. Writes call the services and let their ValidationError (400,
naming the field) and PermissionDenied (403) through the core handler."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from marketing_ops.access import CITY_ROLES
from marketing_ops.api import (
    BusinessDateField,
    CountField,
    MoneyField,
    roles_required,
    signed_in_user,
)
from marketing_ops.bounds import INTEGER_MAX
from marketing_ops.models import BusinessLine
from marketing_ops.money import MONEY
from materials.filters import BalanceApiFilter, MoveApiFilter
from materials.models import Condition, Item, MoveKind, StockBalance, StockMove, Warehouse
from materials.selectors import balances as balance_reads
from materials.selectors import moves as move_reads
from materials.services import items as item_writes
from materials.services import moves as move_writes

# --------------------------------------------------------------------------- serializers


class WarehouseSerializer(serializers.ModelSerializer):
    county = serializers.CharField(source="county.code", default=None, allow_null=True)

    class Meta:
        model = Warehouse
        fields = ["code", "name", "county"]


class ItemSerializer(serializers.ModelSerializer):
    business_line = serializers.CharField(
        source="business_line.code", default=None, allow_null=True
    )

    class Meta:
        model = Item
        fields = ["sku", "name", "category", "serialized", "unit", "business_line", "active"]


class ItemCreateSerializer(serializers.Serializer):
    sku = serializers.RegexField(r"^[A-Za-z0-9][A-Za-z0-9._-]*\Z", max_length=40)
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=Item.Category.choices)
    serialized = serializers.BooleanField(default=False)
    unit = serializers.CharField(max_length=20, required=False, default="个")
    business_line = serializers.SlugRelatedField(
        slug_field="code",
        queryset=BusinessLine.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )


class BalanceSerializer(serializers.ModelSerializer):
    warehouse = serializers.CharField(source="warehouse.code")
    sku = serializers.CharField(source="item.sku")
    name = serializers.CharField(source="item.name")
    unit = serializers.CharField(source="item.unit")

    class Meta:
        model = StockBalance
        fields = ["warehouse", "sku", "name", "unit", "quantity"]


def _code(field: str) -> serializers.CharField:
    return serializers.CharField(source=f"{field}.code", default=None, allow_null=True)


class MoveSerializer(serializers.ModelSerializer):
    sku = serializers.CharField(source="item.sku")
    from_warehouse = _code("from_warehouse")
    to_warehouse = _code("to_warehouse")
    business_line = _code("business_line")
    deposit = serializers.DecimalField(allow_null=True, **MONEY)
    reverses = serializers.IntegerField(source="reverses_id", allow_null=True)
    reversed_by = serializers.SerializerMethodField()
    by = serializers.CharField(source="created_by.username", default=None, allow_null=True)

    class Meta:
        model = StockMove
        fields = [
            "id",
            "kind",
            "sku",
            "quantity",
            "from_warehouse",
            "to_warehouse",
            "serial",
            "replacement_serial",
            "account_no",
            "business_line",
            "business_date",
            "deposit",
            "condition",
            "note",
            "reverses",
            "reversed_by",
            "by",
            "created_at",
        ]

    def get_reversed_by(self, move: StockMove) -> int | None:
        reversal = getattr(move, "reversed_by", None)
        return reversal.pk if reversal is not None else None


class MoveCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MoveKind.choices)
    sku = serializers.CharField(max_length=40)
    quantity = serializers.IntegerField(min_value=-INTEGER_MAX, max_value=INTEGER_MAX)
    from_warehouse = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True, default=None
    )
    to_warehouse = serializers.CharField(
        max_length=16, required=False, allow_blank=True, allow_null=True, default=None
    )
    serial = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    replacement_serial = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default=""
    )
    account_no = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    business_line = serializers.CharField(
        max_length=32, required=False, allow_blank=True, allow_null=True, default=None
    )
    business_date = BusinessDateField()
    deposit = MoneyField(required=False, allow_null=True, default=None)
    condition = serializers.ChoiceField(
        choices=Condition.choices, required=False, allow_blank=True, default=""
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    reverses = CountField(min_value=1, required=False, allow_null=True, default=None)


class HistorySerializer(serializers.Serializer):
    kind = serializers.CharField()
    business_date = serializers.DateField()
    sku = serializers.CharField(source="item.sku")
    from_warehouse = _code("from_warehouse")
    to_warehouse = _code("to_warehouse")
    account_no = serializers.CharField()
    serial = serializers.CharField()
    replacement_serial = serializers.CharField()
    by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    at = serializers.DateTimeField(source="created_at")
    note = serializers.CharField()


class RefusedSerializer(serializers.Serializer):
    kind = serializers.CharField()
    business_date = serializers.DateField()
    serial = serializers.CharField()
    replacement_serial = serializers.CharField()
    account_no = serializers.CharField()
    reason = serializers.CharField()
    by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    at = serializers.DateTimeField(source="created_at")


class TerminalSerializer(serializers.Serializer):
    serial = serializers.CharField()
    sku = serializers.CharField()
    state = serializers.CharField()
    warehouse = serializers.CharField(allow_null=True)
    county = serializers.CharField(allow_null=True)
    account_no = serializers.CharField()
    history = HistorySerializer(many=True)
    refused = RefusedSerializer(many=True)


# --------------------------------------------------------------------------- views


class WarehouseList(generics.ListAPIView):
    """The warehouses you see: the city store and every county's, or your county's."""

    serializer_class = WarehouseSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Warehouse]:
        return move_reads.warehouses_for(self.request.user)


class ItemList(generics.ListAPIView):
    """The item catalogue; city staff add items with ``POST``."""

    serializer_class = ItemSerializer
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Item]:
        return move_reads.items()

    def get_permissions(self) -> Sequence[Any]:
        if self.request.method == "POST":
            return [roles_required(*CITY_ROLES)()]
        return super().get_permissions()

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer})
    def post(self, request: Request) -> Response:
        data = ItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        item = item_writes.item_create(user=signed_in_user(request), **data.validated_data)
        return Response(ItemSerializer(item).data, status=status.HTTP_201_CREATED)


class BalanceList(generics.ListAPIView):
    """Stock per warehouse × item in your scope; ``?warehouse=`` (code), ``?sku=``."""

    serializer_class = BalanceSerializer
    filterset_class = BalanceApiFilter

    def get_queryset(self) -> QuerySet[StockBalance]:
        return balance_reads.balances_for(self.request.user).order_by(
            "warehouse__code", "item__sku"
        )


class MoveList(generics.ListAPIView):
    """The ledger in your scope, newest first; ``POST`` records one move through the move
    service: 201 with the move, or 400 with the reason (a negative balance, a transition the
    terminal table does not allow, a recycled terminal for a warranty swap)."""

    serializer_class = MoveSerializer
    filterset_class = MoveApiFilter

    def get_queryset(self) -> QuerySet[StockMove]:
        return move_reads.moves_for(self.request.user).order_by("-business_date", "-pk")

    @extend_schema(request=MoveCreateSerializer, responses={201: MoveSerializer})
    def post(self, request: Request) -> Response:
        data = MoveCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = _resolved(request, data.validated_data)
        move = move_writes.move_create(user=signed_in_user(request), **fields)
        move = move_reads.moves_for(request.user).get(pk=move.pk)
        return Response(MoveSerializer(move).data, status=status.HTTP_201_CREATED)


def _resolved(request: Request, data: dict[str, Any]) -> dict[str, Any]:
    """The body's codes as the service's objects; an unknown one is a 400 naming its field."""
    errors: dict[str, list[str]] = {}
    sku = data.pop("sku")
    item = Item.objects.filter(sku__iexact=sku).select_related("business_line").first()
    if item is None:
        errors["sku"] = [_("Unknown SKU %(sku)s.") % {"sku": sku}]
    warehouses = {}
    for field in ("from_warehouse", "to_warehouse"):
        code = data.get(field) or ""
        warehouses[field] = Warehouse.objects.filter(code__iexact=code).first() if code else None
        if code and warehouses[field] is None:
            errors[field] = [_("Unknown warehouse %(code)s.") % {"code": code}]
    line_code = data.get("business_line") or ""
    line = BusinessLine.objects.filter(code__iexact=line_code).first() if line_code else None
    if line_code and line is None:
        errors["business_line"] = [_("Unknown business line %(code)s.") % {"code": line_code}]
    reverses = None
    if data.get("reverses") is not None:
        reverses = move_reads.moves_for(request.user).filter(pk=data["reverses"]).first()
        if reverses is None:
            errors["reverses"] = [_("No move %(id)s in your scope.") % {"id": data["reverses"]}]
        elif item is not None and reverses.item_id != item.pk:
            errors["sku"] = [
                _("Move %(id)s moved %(sku)s, not %(other)s.")
                % {"id": reverses.pk, "sku": reverses.item.sku, "other": item.sku}
            ]
    if errors:
        raise serializers.ValidationError(errors)
    return {**data, **warehouses, "item": item, "business_line": line, "reverses": reverses}


class TerminalDetailView(APIView):
    """A terminal with its state, place and whole history (every move, who, when, which
    account), and the moves refused on it."""

    @extend_schema(responses=TerminalSerializer)
    def get(self, request: Request, serial: str) -> Response:
        detail = move_reads.terminal_detail(request.user, serial)
        terminal = detail.terminal
        data = {
            "serial": terminal.serial,
            "sku": terminal.item.sku,
            "state": terminal.state,
            "warehouse": terminal.warehouse.code if terminal.warehouse else None,
            "county": terminal.county.code if terminal.county else None,
            "account_no": terminal.account_no,
            "history": detail.moves,
            "refused": detail.refused,
        }
        return Response(TerminalSerializer(data).data)
