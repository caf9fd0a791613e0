"""The materials demo: the store receives, counties draw and install, recycled terminals are
reused, one warranty swap is refused and kept; a second run changes nothing."""

import io

from django.core.management import call_command

from materials.models import RefusedMove, StockMove


def test_the_demo_ledger_is_consistent_and_a_second_run_changes_nothing(db):
    call_command("seed_demo", stdout=io.StringIO())
    moves = StockMove.objects.count()
    assert moves > 0
    assert StockMove.objects.filter(kind="issue_install", state_before="recycled").exists()
    refused = RefusedMove.objects.get()
    assert refused.reason == "a recycled terminal may not replace a faulty one under warranty"
    call_command("materials_check", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())
    assert StockMove.objects.count() == moves
    assert RefusedMove.objects.count() == 1
