"""One validation result (SHACL §3.6.2), as the engine, the checks and the reports share it."""

from __future__ import annotations

from dataclasses import dataclass, field

from cubakg.namespaces import SH

VIOLATION = SH + "Violation"


@dataclass(frozen=True)
class Result:
    """One result. Data terms are pyoxigraph terms as the data wrote them; `shape` and
    `path_node` are terms of the shapes graph (`path_graph`)."""

    focus: object
    component: str  # the constraint component's IRI (or an extra check's)
    shape: object
    path: str | None  # the path in SPARQL syntax, IRIs in full
    value: object | None
    severity: str  # the severity's IRI
    message: str
    check: str = "shacl"  # "shacl", or the name of an extra check
    constraint: object | None = None  # sh:sparql node, for SPARQL constraints
    path_node: object | None = field(default=None, compare=False)
    path_graph: object | None = field(default=None, compare=False, repr=False)
    # The node whose validation produced this result (differs from `focus` for a
    # property shape nested in a property shape); decides conformance, not reported.
    origin: object | None = field(default=None, compare=False, repr=False)
