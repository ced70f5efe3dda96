"""Türkiye's 81 provinces and 973 districts (data/gazetteer.tsv) and lookups over them."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from archive.fold import case_fold, fold

__all__ = ["Gazetteer", "gazetteer", "resolve_place", "rules"]


@dataclass(frozen=True)
class Gazetteer:
    """Provinces (name -> plate), districts per province, and names for matching."""

    plates: dict[str, str]
    districts: dict[str, tuple[str, ...]]
    #: Turkish-lowercased name -> (province, district or None) pairs it can mean.
    names: dict[str, tuple[tuple[str, str | None], ...]]

    @property
    def provinces(self) -> tuple[str, ...]:
        """The 81 province names, in plate order."""
        return tuple(self.plates)


@cache
def rules() -> dict[str, Any]:
    """The tagger's word lists (data/rules.toml)."""
    return tomllib.loads(files("newscrawler.places").joinpath("data/rules.toml").read_text("utf-8"))


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read once from the package data."""
    text = files("newscrawler.places").joinpath("data/gazetteer.tsv").read_text("utf-8")
    plates: dict[str, str] = {}
    districts: dict[str, list[str]] = {}
    names: dict[str, list[tuple[str, str | None]]] = {}
    for line in text.splitlines()[1:]:
        province, district, plate = line.split("\t")
        plates.setdefault(province, plate)
        districts.setdefault(province, []).append(district)
        names.setdefault(case_fold(district), []).append((province, district))
    for province in plates:
        names.setdefault(case_fold(province), []).append((province, None))
    for alias, (province, district) in rules()["aliases"].items():
        names.setdefault(case_fold(alias), []).append((province, district or None))
    return Gazetteer(plates, {p: tuple(d) for p, d in districts.items()},
                     {k: tuple(v) for k, v in names.items()})


def resolve_place(name: str) -> list[tuple[str, str | None]]:
    """What a user's place name means, typed in any case, with or without Turkish letters.

    A province gives ``(province, None)``; a district ``(province, district)`` for each
    province that has one of that name.

    >>> resolve_place("IZMIR")
    [('İzmir', None)]
    >>> resolve_place("bornova")
    [('İzmir', 'Bornova')]
    >>> resolve_place("yenisehir")
    [('Bursa', 'Yenişehir'), ('Diyarbakır', 'Yenişehir'), ('Mersin', 'Yenişehir')]
    >>> resolve_place("Atlantis")
    []
    """
    wanted = " ".join(fold(name).split())
    found = [pair for key, pairs in gazetteer().names.items() if fold(key) == wanted
             for pair in pairs]
    return sorted(set(found), key=lambda p: (p[1] is not None, p[0], p[1] or ""))


def suggest_places(name: str, n: int = 3) -> list[str]:
    """Official names closest to a mistyped place name (folded comparison).

    >>> suggest_places("Izmirr")
    ['İzmir']
    >>> suggest_places("qqqq")
    []
    """
    from difflib import get_close_matches

    official: dict[str, str] = {}
    for pairs in gazetteer().names.values():
        for province, district in pairs:
            official.setdefault(fold(district or province), district or province)
    wanted = " ".join(fold(name).split())
    return [official[key] for key in get_close_matches(wanted, official, n=n, cutoff=0.75)]
