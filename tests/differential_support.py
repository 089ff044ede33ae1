"""Our engine and pyshacl on the same generated case, as comparable multisets."""

from __future__ import annotations

import logging
import re
from collections import Counter
from pathlib import Path

import pyoxigraph

from cubakg.conformance.fallback import report_multiset
from cubakg.conformance.xsd import well_formed
from w3c_support import parse_as_written, term_key

logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)  # ill-typed literals are generated on purpose


def lower_language(key: str) -> str:
    """RDF 1.1 §3.3: language tags may be lower-cased (pyoxigraph does; rdflib keeps "@EN")."""
    at = key.rfind("@")
    return key[:at] + key[at:].lower() if key.startswith('"') and at > key.rfind('"') else key


def normalised(found: Counter) -> Counter:
    return Counter({tuple(lower_language(part) for part in key): n for key, n in found.items()})


def ours(case) -> tuple[bool, Counter]:
    from cubakg.conformance.run import validate_quads
    from cubakg.conformance.shapes import Graph

    shapes = Graph((q.subject, q.predicate, q.object) for q in pyoxigraph.parse(case.shapes.encode(), format=pyoxigraph.RdfFormat.TURTLE))
    outcome = validate_quads(pyoxigraph.parse(case.data.encode(), format=pyoxigraph.RdfFormat.TURTLE), shapes=shapes, ontology=False)
    return outcome.conforms, normalised(Counter((term_key(r.focus), r.component, r.path or "", r.severity,
                                                 term_key(r.value)) for r in outcome.results))


def pyshacl(case) -> tuple[bool, Counter]:
    from pyshacl import validate

    data = parse_as_written(data=case.data)
    shapes = parse_as_written(data=case.shapes)
    # allow_warnings stays off: with it, pyshacl also takes a node with only warnings to conform to a
    # nested shape (sh:not, sh:or …), where SHACL §3.4 says any result means it does not conform.
    _conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", allow_warnings=False, advanced=False)
    paths_from_the_shapes(report, shapes)
    found = normalised(report_multiset(report, with_value=True))
    return not found, found


def paths_from_the_shapes(report, shapes) -> None:
    """§3.6.2.3: a result's sh:resultPath is the sh:path of its property shape. pyshacl copies a path
    of nested sh:alternativePath lists into its report only two lists deep (a third comes out as
    `[ sh:alternativePath [] ]`), so each result's path is taken from its shape instead."""
    from rdflib import BNode, Namespace

    sh = Namespace("http://www.w3.org/ns/shacl#")
    for result, copied in list(report.subject_objects(sh.resultPath)):
        path = shapes.value(report.value(result, sh.sourceShape), sh.path)
        if isinstance(copied, BNode) and isinstance(path, BNode):  # (sh:closed reports a predicate: kept)
            report.remove((result, sh.resultPath, None))
            report.add((result, sh.resultPath, path))
            todo, seen = [path], set()
            while todo:
                node = todo.pop()
                if node in seen:
                    continue
                seen.add(node)
                report.remove((node, None, None))  # pyshacl's copy may use the same blank nodes
                for _, predicate, value in shapes.triples((node, None, None)):
                    report.add((node, predicate, value))
                    if isinstance(value, BNode):
                        todo.append(value)


# -- where pyshacl departs from the spec, the spec's answer ------------------------------------------
#
# pyshacl compares values with Python (rdflib's .value), where SHACL defines the comparisons by
# SPARQL's operators; it lets sh:minLength 0 pass blank nodes; and it stops with an error on a
# blank node under sh:lessThan. These patches give pyshacl the spec's answer in those places
# only, so that what remains of a difference is a difference of the engines.

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
# SPARQL 1.1 §17.3 with XPath's order on dates, times and durations (which SHACL's test suite compares).
ORDERED_DATATYPES = {XSD + name for name in (
    "integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger",
    "string", "boolean", "dateTime", "dateTimeStamp", "date", "time", "gYear", "gYearMonth", "gMonth", "gDay",
    "gMonthDay", "duration", "yearMonthDuration", "dayTimeDuration")}


def sparql_order(a, b, operator: str) -> bool:
    """Whether SPARQL's `a operator b` is true (False where SPARQL has a type error, e.g. IRIs,
    a language-tagged string and a string, a date and a number, an ill-typed literal)."""
    import rdflib

    if any(isinstance(t, rdflib.Literal) and (t.ill_typed or _spaced(t)) for t in (a, b)):
        return False  # SPARQL §17.3: ill-typed literals are compared by no operator
    if not all(isinstance(t, rdflib.Literal) for t in (a, b)):
        return False  # only literals are ordered
    if not all(str(t.datatype or ("rdf:langString" if t.language else XSD_STRING)) in ORDERED_DATATYPES for t in (a, b)):
        return False  # SPARQL's operator table orders numbers, strings, booleans and XSD dates and times only
    rows = list(pyoxigraph.Store().query(f"SELECT ({a.n3()} {operator} {b.n3()} AS ?r) {{}}"))
    value = rows[0]["r"]
    return value is not None and value.value == "true"


def _spaced(literal) -> bool:
    """Ill-typed for the spec, well-typed for rdflib: a number, boolean, date or time written with
    leading or trailing spaces (XSD 1.1 Part 2 §3.3 lexical spaces hold none; Python's int() strips them)."""
    lexical = str(literal)
    return str(literal.datatype) in ORDERED_DATATYPES - {XSD_STRING} and lexical != lexical.strip(" \t\n\r")


def patch_pyshacl() -> None:
    import rdflib
    from pyshacl.constraints.core import property_pair_constraints as pairs
    from pyshacl.constraints.core import string_based_constraints as strings
    from pyshacl.constraints.core import value_range_constraints as ranges

    def compare_literal(v, bound):
        # Called as compare_literal(value, bound) → sign of value − bound; SHACL §4.3 uses SPARQL's operators.
        if sparql_order(v, bound, "="):
            return 0
        if sparql_order(v, bound, ">"):
            return 1
        if sparql_order(v, bound, "<"):
            return -1
        raise TypeError("not comparable in SPARQL")

    ranges.compare_literal = compare_literal

    def ordered(operator):
        def compare(self, value_node_set, compare_values, datagraph, f):
            # SHACL §4.5.3/§4.5.4: one result per pair that SPARQL's operator does not make true.
            reports = []
            for value in value_node_set:
                for other in compare_values:
                    if not sparql_order(value, other, operator):
                        reports.append(self.make_v_result(datagraph, f, value_node=value))
            return bool(reports), reports
        return compare

    pairs.LessThanConstraintComponent._compare_lt = ordered("<")
    pairs.LessThanOrEqualsConstraintComponent._compare_ltoe = ordered("<=")
    original = strings.MinLengthConstraintComponent._evaluate_string_rule

    def min_length(self, r, target_graph, f_v_dict):
        # SHACL §4.4.1: a blank node value fails sh:minLength, whatever the length (pyshacl passes all at 0).
        non_conformant, reports = original(self, r, target_graph, f_v_dict)
        if r.value == 0:
            for f, values in f_v_dict.items():
                for v in values:
                    if isinstance(v, rdflib.BNode):
                        reports.append(self.make_v_result(target_graph, f, value_node=v))
                        non_conformant = True
        return non_conformant, reports

    strings.MinLengthConstraintComponent._evaluate_string_rule = min_length

    from pyshacl.constraints.core import value_constraints as values

    actual_datatype = values.DatatypeConstraintComponent._assert_actual_datatype

    def assert_actual_datatype(self, value_node, datatype_rule):
        # RDF 1.1 Concepts §5.3: a literal whose lexical form is not in its datatype's lexical space is
        # ill-typed; the lexical spaces of numbers, booleans, dates and times (XSD 1.1 Part 2 §3.3, e.g.
        # integer: [\-+]?[0-9]+) hold no spaces, so pyshacl must not take " 2"^^xsd:integer as well-typed.
        if str(datatype_rule) == str(value_node.datatype) and _spaced(value_node):
            return False
        return actual_datatype(self, value_node, datatype_rule)

    values.DatatypeConstraintComponent._assert_actual_datatype = assert_actual_datatype

    from pyshacl import shape as shapes_module
    from pyshacl.helper import expression_helper

    walk = expression_helper.value_nodes_from_path

    def value_nodes(sg, focus, path, target_graph, inverse=False, recursion=0):
        # SHACL §2.3.1.3: the inverse of a sequence path walks its members backwards (pyshacl walks
        # them forwards, each inverted, and so finds nothing for ^(ex:p0/ex:p1)).
        if inverse and isinstance(path, rdflib.BNode) and (path, rdflib.RDF.first, None) in sg.graph:
            nodes = {focus}
            for step in reversed(list(sg.graph.items(path))):
                nodes = set().union(*(value_nodes(sg, n, step, target_graph, True, recursion + 1) for n in nodes))
            return nodes
        return walk(sg, focus, path, target_graph, inverse=inverse, recursion=recursion)

    expression_helper.value_nodes_from_path = value_nodes
    shapes_module.value_nodes_from_path = value_nodes


patch_pyshacl()


# -- Apache Jena 4.5 (Debian's) on the same case ----------------------------------------------------
#
# A second, independent engine. Where Jena 4.5's answer is not the spec's, the case is not
# compared (`jena_departure` says why); there are five such places, each with its section.

JENA = Path(__file__).resolve().parents[1] / "tools" / "jena"


def jena_installed() -> bool:
    return JENA.exists() and Path("/usr/share/java/jena-core.jar").exists()


def jena(case, folder: Path) -> tuple[bool, Counter]:
    """Jena's `shacl validate` on the case (its data and shapes written to `folder`)."""
    import subprocess

    from cubakg.conformance.fallback import report_conforms

    data, shapes = folder / "data.ttl", folder / "shapes.ttl"
    data.write_text(case.data, encoding="utf-8")
    shapes.write_text(case.shapes, encoding="utf-8")
    done = subprocess.run([str(JENA), "shacl", "validate", "--shapes", str(shapes), "--data", str(data)],
                          capture_output=True, text=True, timeout=120)
    report = parse_as_written(data=done.stdout)
    found = normalised(report_multiset(report, with_value=True))
    return report_conforms(report), found


def jena_departure(case) -> str | None:
    """Why Jena 4.5's answer to this case need not be the spec's, or None."""
    import rdflib

    shapes, data = parse_as_written(data=case.shapes), parse_as_written(data=case.data)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    property_shapes = set(shapes.subjects(sh.path, None))
    if any((shape, sh.closed, None) in shapes for shape in property_shapes):
        # §4.8.1: a result for each triple "that has a value node as its subject"; for a property
        # shape those are the values of its path. Jena reports other triples (so does TopBraid's
        # engine, TopQuadrant/shacl#171; pyshacl and this engine follow the text).
        return "sh:closed on a property shape"
    if any((shape, sh.property, None) in shapes for shape in property_shapes):
        # §4.7.2: "for each value node v", v is validated against the nested property shape; for a
        # property shape the value nodes are the values of its path. Jena 4.5 validates the focus node.
        return "sh:property on a property shape"
    compares = any((None, sh[p], None) in shapes for p in ("minInclusive", "minExclusive", "maxInclusive",
                                                           "maxExclusive", "lessThan", "lessThanOrEquals"))
    if compares and any(isinstance(o, rdflib.Literal) and str(o.datatype) in _STRING_DERIVED for o in data.objects()):
        # §4.3 and §4.5.3 compare with SPARQL's operators, whose table (SPARQL 1.1 §17.3) orders simple
        # literals and xsd:string only; Jena also orders types derived from xsd:string (xsd:token …).
        return "an ordering of a type derived from xsd:string"
    pairs = any((None, sh[p], None) in shapes for p in ("lessThan", "lessThanOrEquals"))
    tagged_bounds = any(isinstance(o, rdflib.Literal) and o.language for p in ("minInclusive", "minExclusive", "maxInclusive",
                                                                                "maxExclusive") for o in shapes.objects(None, sh[p]))
    if (pairs or tagged_bounds) and any(isinstance(o, rdflib.Literal) and o.language for o in data.objects()):
        # SPARQL 1.1 §17.3 has no operator that orders language-tagged strings, so comparing two is an
        # error, for which §4.5.3 and §4.3 give a result; Jena's ARQ orders two of one language
        # ("hey"@en <= "hey"@en holds there: seed 5258).
        return "an ordering of language-tagged strings"
    if compares and any(isinstance(o, rdflib.Literal) and str(o.datatype) in _NUMERIC and _out_of_range(o)
                        for o in list(data.objects()) + list(shapes.objects())):
        # RDF 1.1 §3.3: "300"^^xsd:byte is ill-typed (xsd:byte is -128 to 127), and SPARQL 1.1 §17.3
        # orders no ill-typed literal: an error, so a result; Jena compares its number (seed 5032).
        return "an ordering of a number out of its datatype's range"
    if any(isinstance(o, rdflib.Literal) and _spaced(o) for o in list(data.objects()) + list(shapes.objects())):
        # RDF 1.1 §5.3 and XSD 1.1 Part 2 §3.3: " 2"^^xsd:integer is ill-typed (the lexical space of
        # integer is [\-+]?[0-9]+); Jena's XML Schema code first collapses white space, as a validator
        # of XML documents does (seed 9421), and takes it for 2.
        return "a number, boolean, date or time written with spaces"
    looks_up_literals = (None, sh.inversePath, None) in shapes or (None, sh.hasValue, None) in shapes
    if looks_up_literals and _same_value_twice(list(data.objects()) + list(shapes.objects())):
        # RDF 1.1 §3.3: two literals are the same term only if lexical form, datatype and language
        # are; SHACL reads the data graph as such terms. Jena 4.5's in-memory graph finds a literal
        # by value ("1"^^xsd:integer finds "1.0"^^xsd:decimal, "1"^^xsd:boolean finds "true"):
        # an inverse path from a literal, or sh:hasValue, then finds triples the data does not have.
        return "two different literals with one value, looked up"
    return None


_STRING_DERIVED = {XSD + name for name in (
    "normalizedString", "token", "language", "NMTOKEN", "Name", "NCName", "ID", "IDREF", "ENTITY")}
_NUMERIC = {XSD + name for name in (
    "integer", "decimal", "float", "double", "nonPositiveInteger", "negativeInteger", "long", "int", "short", "byte",
    "nonNegativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "positiveInteger")}


_DATES = {XSD + name for name in ("date", "dateTime", "time", "gYear", "gYearMonth", "gMonthDay", "gMonth", "gDay")}


def _out_of_range(literal) -> bool:
    """Whether a numeric literal is an integer or decimal outside the value space of its datatype."""
    return not well_formed(str(literal), str(literal.datatype)) and well_formed(str(literal), XSD + "decimal")


def _same_value_twice(terms) -> bool:
    """Whether two different literals among `terms` may have one value for Jena (numbers compared across
    types, dates and times of one year)."""
    from decimal import Decimal, InvalidOperation

    import rdflib

    from cubakg.conformance.terms import stored_forms

    literals = {t for t in terms if isinstance(t, rdflib.Literal) and t.datatype is not None}
    keys: dict = {}
    others = []
    for literal in literals:
        if str(literal.datatype) in _NUMERIC:
            try:
                keys.setdefault(("number", Decimal(str(literal).strip())), set()).add(literal)
                continue
            except InvalidOperation:
                pass
        year = re.match(r"-?[0-9]{4,}", str(literal))
        if str(literal.datatype) in _DATES and year:
            # Jena 4.5 finds "2020-01-01"^^xsd:date by "2020"^^xsd:gYear (seed 9098): its date and time
            # values of different types can match. Which ones it does not say, so any two of a year are kept out.
            keys.setdefault(("date", year.group()), set()).add(literal)
        others.append(pyoxigraph.Literal(str(literal), datatype=pyoxigraph.NamedNode(str(literal.datatype))))
    for written, stored in stored_forms(others).items():
        keys.setdefault(("stored", stored), set()).add(written)
    return any(len(same) > 1 for same in keys.values())
