"""`dateline`: where and when the article was written, as the text fixes it.

`date` is given only where the text fixes the year, with a `derivation` saying
how ("last year" is 2021, so "April 18th" is 2022-04-18); the resolve stage checks
that it agrees with the month and day as written.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import model_validator

from cubakg.facts.base import PLACES, FactBase, Key
from cubakg.namespaces import CKG, SDO
from cubakg.terms import date, en, text

if TYPE_CHECKING:
    from cubakg.emit import FactWriter


class Dateline(FactBase):
    kind: Literal["dateline"]
    as_written: str
    place: Key
    date: dt.date | None = None
    derivation: str | None = None

    describes: ClassVar[str] = "article"
    references: ClassVar[dict[str, tuple[str, ...]]] = {"place": PLACES}
    verbatim: ClassVar[tuple[str, ...]] = ("as_written",)

    @model_validator(mode="after")
    def _date_needs_derivation(self) -> "Dateline":
        if self.date and not self.derivation:
            raise ValueError("a dateline `date` needs a `derivation` saying how the text fixes the year")
        return self

    def emit(self, out: "FactWriter") -> None:
        out.add(out.node, CKG.datelineText, text(self.as_written))
        out.ref(out.node, SDO.locationCreated, self.place)
        if self.date:
            out.add(out.node, SDO.dateCreated, date(self.date))
            out.add(out.node, CKG.dateDerivation, en(self.derivation))
        out.provenance()
