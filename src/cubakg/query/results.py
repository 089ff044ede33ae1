"""Query results in one engine-neutral form, so every engine's answer prints and compares alike."""

from __future__ import annotations

from dataclasses import dataclass, field

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True, order=True)
class Term:
    """An RDF term. `kind` is `uri`, `bnode` or `literal` (the SPARQL JSON names).

    Simple literals carry no datatype (xsd:string is implied), language-tagged
    ones carry only their language, so the same literal from any engine is equal.
    """

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    @staticmethod
    def literal(value: str, datatype: str | None = None, language: str | None = None) -> "Term":
        if language:
            return Term("literal", value, None, language.lower())
        if datatype in (None, XSD_STRING, RDF_LANG_STRING):
            return Term("literal", value)
        return Term("literal", value, datatype)

    def n3(self) -> str:
        """The term in N-Triples / SPARQL syntax (used by TSV and VALUES)."""
        from cubakg.query.sparql_text import string_literal

        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        text = string_literal(self.value)
        if self.language:
            return f"{text}@{self.language}"
        if self.datatype:
            return f"{text}^^<{self.datatype}>"
        return text


Row = dict[str, Term]


@dataclass
class QueryResult:
    """A SELECT's rows, an ASK's boolean, or a CONSTRUCT/DESCRIBE's triples."""

    form: str  # "select", "ask", "construct" or "describe"
    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[tuple[Term, Term, Term]] = field(default_factory=list)
    # Rows (or triples) in the whole answer, where only the first were kept (`engines.materialize`'s `keep`).
    total: int | None = None

    @property
    def returns_graph(self) -> bool:
        return self.form in ("construct", "describe")
