"""The four sandbox partners, each a lens on the world with its own schema and transport."""

from __future__ import annotations

from wushe.sandbox.partners.charity_fund import CharityFundLens
from wushe.sandbox.partners.civil_affairs import CivilAffairsLens
from wushe.sandbox.partners.common import crosswalk
from wushe.sandbox.partners.merchants import MerchantsLens
from wushe.sandbox.partners.property_files import PropertyFilesLens

LENSES = {
    "charity_fund": CharityFundLens,
    "property_files": PropertyFilesLens,
    "merchants": MerchantsLens,
    "civil_affairs": CivilAffairsLens,
}
PARTNERS = tuple(LENSES)

__all__ = ["LENSES", "PARTNERS", "crosswalk"]
