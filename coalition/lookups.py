"""`in` on integer columns that ignores numbers the column cannot hold.

Django already turns `pk=10**20` into "no match" (its IntegerFieldOverflow lookups for exact,
lt, gt...), but not `pk__in=[10**20]`: SQLite raises OverflowError and PostgreSQL an
out-of-range error, a 500 for any form with a ModelMultipleChoiceField (checkboxes of ids)
posted a huge number. Registered on IntegerField (so on every id column) in
`CoalitionConfig.ready`, this lookup drops such values first: they match nothing, as with
exact.
"""

from __future__ import annotations

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    lookup_name = "in"

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            try:
                low, high = connection.ops.integer_field_range(
                    self.lhs.output_field.get_internal_type()
                )
            except KeyError:
                low = high = None
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
