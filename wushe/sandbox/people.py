"""Synthetic residents and volunteers: names, genders, birth dates, ID numbers, phones."""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import numpy as np

from wushe.sandbox.codes import id_check_chars, legacy_id_number, mobile_numbers
from wushe.sandbox.vocab import GIVEN_ANY, GIVEN_FEMALE, GIVEN_MALE, OUTSIDE_AREA_CODES, SURNAMES

_SURNAME_P = np.array([w for _, w in SURNAMES], dtype=float)
_SURNAME_P /= _SURNAME_P.sum()
_EPOCH = date(1930, 1, 1)


class Person(NamedTuple):
    """A synthetic resident (a tuple: there are hundreds of thousands of them)."""

    name: str
    gender: str  # male / female
    birth: date
    id_number: str
    phone: str


def person_names(rng: np.random.Generator, male: np.ndarray, needed: int | None = None) -> list[str]:
    """Chinese full names; one- and two-character given names, gender-typical characters mostly.

    Draws for all of ``male`` and builds the first ``needed`` names (the draws fix the names).
    """
    n = len(male)
    surnames = rng.choice(len(SURNAMES), size=n, p=_SURNAME_P).tolist()
    two = (rng.random(n) < 0.7).tolist()
    neutral_first = (rng.random(n) < 0.3).tolist()
    a = rng.random(n).tolist()
    b = rng.random(n).tolist()
    out = []
    for s, m, t, neutral, x, y in zip(surnames[:needed], male.tolist(), two, neutral_first, a, b):
        pool = GIVEN_MALE if m else GIVEN_FEMALE
        first_pool = GIVEN_ANY if neutral else pool
        last = pool[int(y * len(pool))]
        given = first_pool[int(x * len(first_pool))] + last if t else last
        out.append(SURNAMES[s][0] + given)
    return out


def people(rng: np.random.Generator, n: int, local_areas: list[str], *, min_age: int, max_age: int,
           today: date, legacy_share: float = 0.0, needed: int | None = None) -> list[Person]:
    """``n`` people aged ``min_age``..``max_age`` on ``today``; most born locally, some migrants.

    All draws are made for ``n`` people, but only the first ``needed`` are built: a person does
    not depend on how many others are wanted.

    ``local_areas`` are 6-digit district codes of where they live; about 60% carry an ID number
    issued elsewhere (Shenzhen's residents mostly came from other provinces).
    """
    needed = n if needed is None else needed
    male = rng.random(n) < 0.5
    names = person_names(rng, male, needed)
    lo = (today - _EPOCH).days - int(max_age * 365.25)
    hi = (today - _EPOCH).days - int(min_age * 365.25)
    births = np.datetime64(_EPOCH, "D") + rng.integers(lo, hi, n)
    outside = (rng.random(n) < 0.6).tolist()
    outside_pick = rng.integers(0, len(OUTSIDE_AREA_CODES), n).tolist()
    seq = (rng.integers(0, 500, n) * 2 + male).tolist()  # odd sequence numbers are men's
    legacy = (rng.random(n) < legacy_share).tolist()
    phones = mobile_numbers(rng, n, needed)
    dates = births[:needed].tolist()
    ymd = np.char.replace(births[:needed].astype(str), "-", "").tolist()
    areas = [OUTSIDE_AREA_CODES[pick] if out else local for out, pick, local in zip(outside, outside_pick, local_areas)]
    bodies = [f"{area}{day}{number:03d}" for area, day, number in zip(areas, ymd, seq)]
    checks = id_check_chars(bodies)
    genders = ["male" if m else "female" for m in male[:needed].tolist()]
    out = []
    for i in range(needed):
        birth, body = dates[i], bodies[i]
        number = legacy_id_number(body[:6], birth, seq[i]) if legacy[i] and birth.year < 2000 else body + checks[i]
        out.append(Person(names[i], genders[i], birth, number, phones[i]))
    return out
