"""Synthetic residents and volunteers: names, genders, birth dates, ID numbers, phones."""

from __future__ import annotations

from datetime import date, timedelta
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


def person_names(rng: np.random.Generator, male: np.ndarray) -> list[str]:
    """Chinese full names; one- and two-character given names, gender-typical characters mostly."""
    n = len(male)
    surnames = rng.choice(len(SURNAMES), size=n, p=_SURNAME_P).tolist()
    two = (rng.random(n) < 0.7).tolist()
    neutral_first = (rng.random(n) < 0.3).tolist()
    a = rng.random(n).tolist()
    b = rng.random(n).tolist()
    out = []
    for s, m, t, neutral, x, y in zip(surnames, male.tolist(), two, neutral_first, a, b):
        pool = GIVEN_MALE if m else GIVEN_FEMALE
        first_pool = GIVEN_ANY if neutral else pool
        last = pool[int(y * len(pool))]
        given = first_pool[int(x * len(first_pool))] + last if t else last
        out.append(SURNAMES[s][0] + given)
    return out


def people(rng: np.random.Generator, n: int, local_areas: list[str], *, min_age: int, max_age: int,
           today: date, legacy_share: float = 0.0) -> list[Person]:
    """``n`` people aged ``min_age``..``max_age`` on ``today``; most born locally, some migrants.

    ``local_areas`` are 6-digit district codes of where they live; about 60% carry an ID number
    issued elsewhere (Shenzhen's residents mostly came from other provinces).
    """
    male = rng.random(n) < 0.5
    names = person_names(rng, male)
    lo = (today - _EPOCH).days - int(max_age * 365.25)
    hi = (today - _EPOCH).days - int(min_age * 365.25)
    births = rng.integers(lo, hi, n).tolist()
    outside = (rng.random(n) < 0.6).tolist()
    outside_pick = rng.integers(0, len(OUTSIDE_AREA_CODES), n).tolist()
    seq = rng.integers(0, 500, n).tolist()
    legacy = (rng.random(n) < legacy_share).tolist()
    phones = mobile_numbers(rng, n)
    bodies, dates = [], []
    for i in range(n):
        birth = _EPOCH + timedelta(days=births[i])
        area = OUTSIDE_AREA_CODES[outside_pick[i]] if outside[i] else local_areas[i]
        dates.append(birth)
        bodies.append(f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq[i] * 2 + (1 if male[i] else 0):03d}")
    checks = id_check_chars(bodies)
    out = []
    for i in range(n):
        birth, body = dates[i], bodies[i]
        if legacy[i] and birth.year < 2000:
            number = legacy_id_number(body[:6], birth, int(body[14:17]))
        else:
            number = body + checks[i]
        out.append(Person(names[i], "male" if male[i] else "female", birth, number, phones[i]))
    return out
