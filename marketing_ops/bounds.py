"""Whole numbers as the database holds them: the largest value of each integer column type.

Every whole number a user types (a cell of an upload, a form field, an API field) is bounded by
the column it is stored in, so that a too large number is refused with a message naming its
row and column or its field, never a database error.
"""

from __future__ import annotations

#: ``integer`` (``PositiveIntegerField``): volumes, counts, accounts, sort orders.
INTEGER_MAX = 2_147_483_647
#: ``smallint`` (``PositiveSmallIntegerField``): ranks and numbers of cities.
SMALL_INTEGER_MAX = 32_767
