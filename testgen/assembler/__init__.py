"""The assembler core: a pure function over arrays (item pool + blueprint) → parallel forms.

    from testgen.assembler import ItemPool, assemble
    result = assemble(pool, blueprint, time_limit=15)
    print(result.summary())

No database here: the bank adapter builds the :class:`ItemPool` from approved item versions.
"""

from testgen.assembler.core import AssemblyResult, assemble
from testgen.assembler.diagnose import conflicting_groups
from testgen.assembler.pool import ItemPool
from testgen.assembler.problem import Problem, prepare
from testgen.assembler.shortage import Shortage, shortage_table, shortages
from testgen.assembler.validate import Violation, validate


def shortage_report(pool: ItemPool, blueprint) -> list[Shortage]:
    """Rows of `blueprint` the pool cannot fill (Thai text via ``Shortage.text_th``); [] when none."""
    return shortages(prepare(pool, blueprint))


__all__ = [
    "AssemblyResult", "ItemPool", "Problem", "Shortage", "Violation", "assemble", "conflicting_groups",
    "prepare", "shortage_report", "shortage_table", "shortages", "validate",
]
