"""The demo district's content as plain data (no database): schools, users, items, passages, instruments.

>>> from demo import demo_schools, demo_users, demo_items, demo_item_sets, demo_instruments
>>> len(demo_schools()), len(demo_items()) >= 1200
(30, True)

``khlang demo seed`` (web) writes this content through the item bank's services; the shapes are
documented in :mod:`demo.spec`. Every item is tagged with a real indicator code of the
shipped curriculum for its grade and area, in the item's own curriculum edition.
"""

from demo.district import DISTRICT, demo_schools, demo_users, experts_for
from demo.instruments import demo_instruments
from demo.items import DEFAULT_SEED, demo_item_sets, demo_items, item_checks
from demo.spec import (
    BANK_TYPE,
    COGNITIVE_LEVEL_TH,
    COGNITIVE_LEVELS,
    ITEM_TYPES,
    InstrumentSpec,
    ItemSetSpec,
    ItemSpec,
    SchoolSpec,
    UserSpec,
)

__all__ = [
    "BANK_TYPE",
    "COGNITIVE_LEVELS",
    "COGNITIVE_LEVEL_TH",
    "DEFAULT_SEED",
    "DISTRICT",
    "ITEM_TYPES",
    "InstrumentSpec",
    "ItemSetSpec",
    "ItemSpec",
    "SchoolSpec",
    "UserSpec",
    "demo_instruments",
    "demo_item_sets",
    "demo_items",
    "demo_schools",
    "demo_users",
    "experts_for",
    "item_checks",
]
