"""The SHACL Core constraint components (SHACL §4), one small unit each, in the spec's order.

Each component names its IRI, its parameters and its default message, and says how
it is checked, in one of two ways:

- `condition(ctx, shape, argument, var)`: a SPARQL expression on one value node
  (`var`) that is true when the node passes. The engine checks all such
  constraints of a shape in one query, and reuses them to decide whether a node
  conforms to a shape nested in sh:node, sh:or … without a query of its own.
- `evaluate(ctx, shape, focus, argument)`: the results for all focus nodes at once,
  for components that count, pair or nest.

`argument` is one value of the component's main parameter (a shape with two
sh:class values has two constraints); other parameters are read from the shape.
`ctx` is the engine (engine.py): queries, value nodes, conformance, results.
"""

from __future__ import annotations

import functools

import pyoxigraph

from cubakg.conformance import paths
from cubakg.conformance.shapes import TRUE, sh
from cubakg.conformance.terms import ORDERED
from cubakg.namespaces import SH


def balanced(operator: str, tests: list[str], empty: str) -> str:
    """`tests` joined with `operator` (|| or &&), parenthesised as a balanced tree.

    Oxigraph evaluates `a || b || c …` as a chain nested as deep as it is long: a chain of
    some thousands (an sh:in list, the ill-formed literals of a large dataset) overflowed
    its stack and killed the process. || and && are associative in SPARQL's three-valued
    logic, so the tree means the same.

    >>> balanced("||", ["a", "b", "c"], "false")
    '((a || b) || c)'
    """
    tests = list(tests)
    if not tests:
        return empty
    if len(tests) == 1:
        return f"({tests[0]})"
    while len(tests) > 1:
        tests = [f"({tests[i]} {operator} {tests[i + 1]})" if i + 1 < len(tests) else tests[i]
                 for i in range(0, len(tests), 2)]
    return tests[0]

COMPONENTS: dict[str, "Component"] = {}  # main parameter's local name → component


def component(cls):
    COMPONENTS[cls.parameter] = cls()
    return cls


class Component:
    parameter: str  # the main parameter (local name in sh:)
    name: str  # the component's local name in sh:
    message: str  # the default message
    property_only = False  # only property shapes have it (sh:minCount, sh:uniqueLang …)

    @property
    def iri(self) -> str:
        return SH + self.name

    def condition(self, ctx, shape, argument, var: str) -> str | None:
        return None

    def evaluate(self, ctx, shape, focus, argument) -> list:
        return []  # no condition and no evaluation: the parameter's value is ill-formed, so there is no constraint


# -- 4.1 Value Type Constraint Components ----------------------------------------------------


@component
class ClassComponent(Component):
    """§4.1.1: each value node is a SHACL instance of the class (rdf:type/rdfs:subClassOf*)."""

    parameter, name, message = "class", "ClassConstraintComponent", "Value is not an instance of {argument}"

    def condition(self, ctx, shape, argument, var):
        if type(argument) is not pyoxigraph.NamedNode:
            return "false" if type(argument) is pyoxigraph.Literal else None
        return f"EXISTS {{ {ctx.instance_of(var, argument)} }}"


@component
class DatatypeComponent(Component):
    """§4.1.2: each value node is a literal of the datatype, with a well-formed lexical form."""

    parameter, name, message = "datatype", "DatatypeConstraintComponent", "Value is not a well-formed literal of datatype {argument}"

    def condition(self, ctx, shape, argument, var):
        if type(argument) is not pyoxigraph.NamedNode:
            return None
        test = ctx.terms.has_datatype(var, argument.value)
        bad = ctx.ill_formed(argument.value)
        if bad:
            test += " && !" + balanced("||", [f"sameTerm({var}, {term})" for term in bad], "false")
        return f"({test})"


NODE_KINDS = {
    "IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}


@component
class NodeKindComponent(Component):
    """§4.1.3: each value node is of the node kind."""

    parameter, name, message = "nodeKind", "NodeKindConstraintComponent", "Value does not have node kind {argument}"

    def condition(self, ctx, shape, argument, var):
        kind = argument.value[len(SH):] if type(argument) is pyoxigraph.NamedNode and argument.value.startswith(SH) else None
        if kind not in NODE_KINDS:
            return None  # not a node kind: the shapes graph is ill-formed here (§4.1.3); no constraint
        return NODE_KINDS[kind].format(v=var)


# -- 4.2 Cardinality Constraint Components ---------------------------------------------------


class CountComponent(Component):
    property_only = True
    too_few: bool

    def evaluate(self, ctx, shape, focus, argument):
        limit = ctx.integer(argument)
        if limit is None:
            return []
        counts = ctx.value_counts(shape, focus)
        return [ctx.result(shape, self, this, argument=argument) for this in focus.nodes
                if (counts.get(this, 0) < limit if self.too_few else counts.get(this, 0) > limit)]


@component
class MinCountComponent(CountComponent):
    """§4.2.1: at least n value nodes."""

    parameter, name, message, too_few = "minCount", "MinCountConstraintComponent", "Less than {argument} values", True

    def evaluate(self, ctx, shape, focus, argument):
        if ctx.integer(argument) == 1 and not ctx.path_may_be_empty(shape):
            # The common "at least one": NOT EXISTS is much cheaper than counting.
            inner = paths.exists_pattern(ctx.graph, shape.path, "?this", ctx.fresh())
            rows = ctx.select(f"SELECT ?this WHERE {{ {focus.pattern} FILTER NOT EXISTS {{ {inner} }} }}")
            return [ctx.result(shape, self, row["this"], argument=argument) for row in rows]
        return super().evaluate(ctx, shape, focus, argument)


@component
class MaxCountComponent(CountComponent):
    """§4.2.2: at most n value nodes."""

    parameter, name, message, too_few = "maxCount", "MaxCountConstraintComponent", "More than {argument} values", False


# -- 4.3 Value Range Constraint Components -----------------------------------------------------


class RangeComponent(Component):
    operator: str  # the SPARQL comparison that must be true: $bound OP value

    def condition(self, ctx, shape, argument, var):
        if type(argument) is not pyoxigraph.Literal or argument.datatype.value not in ORDERED:
            return "false"  # a bound SPARQL does not order compares with nothing
        # Only literals are ordered: SPARQL's operator table has no < for IRIs and blank nodes (oxigraph
        # answers `_:b <= _:b` true, as if <= were < || =, which §17.3 does not define for them).
        return (f"(isLiteral({var}) && {ctx.terms.ordered(var)} && "
                f"COALESCE({argument} {self.operator} {ctx.terms.value_expression(var)}, false){ctx.well_formed_test(var)})")


@component
class MinExclusiveComponent(RangeComponent):
    """§4.3.1: $minExclusive < value."""

    parameter, name, message, operator = "minExclusive", "MinExclusiveConstraintComponent", "Value is not > {argument}", "<"


@component
class MinInclusiveComponent(RangeComponent):
    """§4.3.2: $minInclusive <= value."""

    parameter, name, message, operator = "minInclusive", "MinInclusiveConstraintComponent", "Value is not >= {argument}", "<="


@component
class MaxExclusiveComponent(RangeComponent):
    """§4.3.3: $maxExclusive > value."""

    parameter, name, message, operator = "maxExclusive", "MaxExclusiveConstraintComponent", "Value is not < {argument}", ">"


@component
class MaxInclusiveComponent(RangeComponent):
    """§4.3.4: $maxInclusive >= value."""

    parameter, name, message, operator = "maxInclusive", "MaxInclusiveConstraintComponent", "Value is not <= {argument}", ">="


# -- 4.4 String-based Constraint Components ------------------------------------------------------


class LengthComponent(Component):
    operator: str

    def condition(self, ctx, shape, argument, var):
        n = ctx.integer(argument)
        return None if n is None else f"(!isBlank({var}) && STRLEN(STR({var})) {self.operator} {n})"


@component
class MinLengthComponent(LengthComponent):
    """§4.4.1: STRLEN(str(value)) >= n; blank nodes fail."""

    parameter, name, message, operator = "minLength", "MinLengthConstraintComponent", "Value has less than {argument} characters", ">="


@component
class MaxLengthComponent(LengthComponent):
    """§4.4.2: STRLEN(str(value)) <= n; blank nodes fail."""

    parameter, name, message, operator = "maxLength", "MaxLengthConstraintComponent", "Value has more than {argument} characters", "<="


@component
class PatternComponent(Component):
    """§4.4.3: str(value) matches the regular expression (with sh:flags); blank nodes fail."""

    parameter, name, message = "pattern", "PatternConstraintComponent", 'Value does not match pattern "{argument}"'

    def condition(self, ctx, shape, argument, var):
        from cubakg.conformance.engine import ShapesError, show, sparql_string

        flags = shape.one("flags")
        arguments = sparql_string(argument.value) + (f", {sparql_string(flags.value)}" if flags is not None else "")
        # §4.4.3: sh:pattern and sh:flags must be valid arguments of SPARQL's REGEX; where they are
        # not, REGEX has no value for any string, and every value would be reported as not matching.
        if not _regex_arguments_valid(arguments):
            raise ShapesError(f"shape {show(shape.node)}: sh:pattern {sparql_string(argument.value)}"
                              + (f" with sh:flags {sparql_string(flags.value)}" if flags is not None else "")
                              + " cannot be read by SPARQL's REGEX (XPath regular expressions; flags s, m, i, x, q)")
        return f"(!isBlank({var}) && REGEX(STR({var}), {arguments}))"


@functools.lru_cache(maxsize=256)
def _regex_arguments_valid(arguments: str) -> bool:
    """Whether `REGEX(str, arguments)` has a value, as Oxigraph reads the pattern and flags."""
    return next(iter(pyoxigraph.Store().query(f'SELECT (REGEX("", {arguments}) AS ?ok) {{}}')))["ok"] is not None


@component
class LanguageInComponent(Component):
    """§4.4.4: each value node is a literal whose language tag matches one of the ranges."""

    parameter, name, message = "languageIn", "LanguageInConstraintComponent", "Language does not match any of {argument}"

    def condition(self, ctx, shape, argument, var):
        from cubakg.conformance.engine import sparql_string

        tests = [f"langMatches(lang({var}), {sparql_string(tag.value)})" for tag in ctx.graph.items(argument)]
        return f"(isLiteral({var}) && {balanced('||', tests, 'false')})"


@component
class UniqueLangComponent(Component):
    """§4.4.5: no two value nodes share a (non-empty) language tag: one result per tag."""

    parameter, name, message, property_only = "uniqueLang", "UniqueLangConstraintComponent", "Language \"{language}\" used more than once", True

    def evaluate(self, ctx, shape, focus, argument):
        if argument != TRUE:
            return []
        values = ctx.values(shape, focus)
        rows = ctx.select(f"SELECT ?this ?language WHERE {{ SELECT DISTINCT ?this ?value ?language WHERE {{ {values} "
                          f"FILTER(isLiteral(?value)) BIND(LCASE(LANG(?value)) AS ?language) FILTER(?language != \"\") }} }} "
                          f"GROUP BY ?this ?language HAVING (COUNT(?value) > 1)")
        return [ctx.result(shape, self, row["this"], message_arguments={"language": row["language"].value}) for row in rows]


# -- 4.5 Property Pair Constraint Components -------------------------------------------------------


def pairs_of(ctx, focus, predicate) -> set:
    """(focus node, value of `predicate`) for every focus node."""
    if type(predicate) is not pyoxigraph.NamedNode:
        return set()
    return {(row["this"], row["value"]) for row in ctx.select(
        f"SELECT DISTINCT ?this ?value WHERE {{ {focus.pattern} ?this <{predicate.value}> ?value }}")}


@component
class EqualsComponent(Component):
    """§4.5.1: the value nodes and the values of $equals are the same set; each difference is a result."""

    parameter, name, message = "equals", "EqualsConstraintComponent", "Value sets of the path and of {argument} differ"

    def evaluate(self, ctx, shape, focus, argument):
        ours, theirs = set(ctx.value_pairs(shape, focus)), pairs_of(ctx, focus, argument)
        return [ctx.result(shape, self, this, value, argument=argument) for this, value in sorted(ours ^ theirs, key=str)]


@component
class DisjointComponent(Component):
    """§4.5.2: no value node is also a value of $disjoint."""

    parameter, name, message = "disjoint", "DisjointConstraintComponent", "Value is also a value of {argument}"

    def evaluate(self, ctx, shape, focus, argument):
        ours, theirs = set(ctx.value_pairs(shape, focus)), pairs_of(ctx, focus, argument)
        return [ctx.result(shape, self, this, value, argument=argument) for this, value in sorted(ours & theirs, key=str)]


class ComparisonComponent(Component):
    operator: str
    property_only = True  # §4.5.3, §4.5.4: node shapes cannot have sh:lessThan or sh:lessThanOrEquals

    def evaluate(self, ctx, shape, focus, argument):
        """One result per (value node, value of $lessThan) pair that SPARQL's operator does not make true."""
        if type(argument) is not pyoxigraph.NamedNode:
            return []
        values = ctx.values(shape, focus)
        value, other = ctx.terms.value_expression("?value"), ctx.terms.value_expression("?other")
        test = (f"isLiteral(?value) && isLiteral(?other) && {ctx.terms.ordered('?value')} && {ctx.terms.ordered('?other')} && "
                f"COALESCE({value} {self.operator} {other}, false)"
                f"{ctx.well_formed_test('?value')}{ctx.well_formed_test('?other')}")
        rows = ctx.select(f"SELECT ?this ?value ?other WHERE {{ {{ SELECT DISTINCT ?this ?value WHERE {{ {values} }} }} "
                          f"?this <{argument.value}> ?other FILTER(!({test})) }}")
        return [ctx.result(shape, self, row["this"], row["value"], argument=argument) for row in rows]


@component
class LessThanComponent(ComparisonComponent):
    """§4.5.3: each value node < each value of $lessThan."""

    parameter, name, message, operator = "lessThan", "LessThanConstraintComponent", "Value is not < value of {argument}", "<"


@component
class LessThanOrEqualsComponent(ComparisonComponent):
    """§4.5.4: each value node <= each value of $lessThanOrEquals."""

    parameter, name, message, operator = "lessThanOrEquals", "LessThanOrEqualsConstraintComponent", "Value is not <= value of {argument}", "<="


# -- 4.6 Logical Constraint Components ---------------------------------------------------------------


class LogicalComponent(Component):
    def members(self, ctx, argument) -> list:
        return ctx.graph.items(argument)

    def passes(self, conforming: int, total: int) -> bool:
        raise NotImplementedError

    def condition(self, ctx, shape, argument, var):
        members = [ctx.shape_condition(member, var) for member in self.members(ctx, argument)]
        if any(member is None for member in members):
            return None
        flags = [f"COALESCE({member}, false)" for member in members]
        return self.combine(flags)

    def evaluate(self, ctx, shape, focus, argument):
        pairs = ctx.value_pairs(shape, focus)
        distinct = {value for _, value in pairs}
        verdicts = [ctx.conforming(member, distinct) for member in self.members(ctx, argument)]
        failing = {value for value in distinct if not self.passes(sum(1 for v in verdicts if value in v), len(verdicts))}
        return [ctx.result(shape, self, this, value, argument=argument) for this, value in pairs if value in failing]


@component
class NotComponent(LogicalComponent):
    """§4.6.1: no value node conforms to the shape."""

    parameter, name, message = "not", "NotConstraintComponent", "Value conforms to the shape it must not conform to"

    def members(self, ctx, argument):
        return [argument]

    def passes(self, conforming, total):
        return conforming == 0

    def combine(self, flags):
        return f"!{flags[0]}"


@component
class AndComponent(LogicalComponent):
    """§4.6.2: each value node conforms to every shape of the list."""

    parameter, name, message = "and", "AndConstraintComponent", "Value does not conform to all the shapes"

    def passes(self, conforming, total):
        return conforming == total

    def combine(self, flags):
        return balanced("&&", flags, "true")


@component
class OrComponent(LogicalComponent):
    """§4.6.3: each value node conforms to at least one shape of the list."""

    parameter, name, message = "or", "OrConstraintComponent", "Value does not conform to any of the shapes"

    def passes(self, conforming, total):
        return conforming >= 1

    def combine(self, flags):
        return balanced("||", flags, "false")


@component
class XoneComponent(LogicalComponent):
    """§4.6.4: each value node conforms to exactly one shape of the list."""

    parameter, name, message = "xone", "XoneConstraintComponent", "Value does not conform to exactly one of the shapes"

    def passes(self, conforming, total):
        return conforming == 1

    def combine(self, flags):
        return "((" + (" + ".join(f"IF({flag}, 1, 0)" for flag in flags) or "0") + ") = 1)"


# -- 4.7 Shape-based Constraint Components --------------------------------------------------------------


@component
class NodeComponent(Component):
    """§4.7.1: each value node conforms to the node shape."""

    parameter, name, message = "node", "NodeConstraintComponent", "Value does not conform to shape {argument}"

    def condition(self, ctx, shape, argument, var):
        return ctx.shape_condition(argument, var)

    def evaluate(self, ctx, shape, focus, argument):
        pairs = ctx.value_pairs(shape, focus)
        ok = ctx.conforming(argument, {value for _, value in pairs})
        return [ctx.result(shape, self, this, value, argument=argument) for this, value in pairs if value not in ok]


@component
class PropertyComponent(Component):
    """§4.7.2: each value node is validated against the property shape; its results are reported as they are."""

    parameter, name, message = "property", "PropertyConstraintComponent", ""

    def evaluate(self, ctx, shape, focus, argument):
        inner = ctx.shape(argument)
        if not shape.is_property:
            return ctx.evaluate(inner, focus)  # a node shape's only value node is the focus node
        pairs = ctx.value_pairs(shape, focus)
        by_value: dict = {}
        for this, value in pairs:
            by_value.setdefault(value, []).append(this)
        found = ctx.evaluate(inner, ctx.focus_of(list(by_value)))
        # One copy per focus node that has the value: each focus node's validation reports it.
        return [ctx.with_origin(result, this) for result in found for this in by_value.get(result.origin, [])]


@component
class QualifiedValueShapeComponent(Component):
    """§4.7.3: between sh:qualifiedMinCount and sh:qualifiedMaxCount value nodes conform to the shape
    (and, with sh:qualifiedValueShapesDisjoint true, to none of its sibling shapes)."""

    parameter, name, message = "qualifiedValueShape", "QualifiedValueShapeConstraintComponent", ""
    property_only = True

    def evaluate(self, ctx, shape, focus, argument):
        minimum = ctx.integer(shape.one("qualifiedMinCount"))
        maximum = ctx.integer(shape.one("qualifiedMaxCount"))
        if minimum is None and maximum is None:
            return []
        siblings = self.siblings(ctx, shape, argument) if TRUE in shape.get("qualifiedValueShapesDisjoint") else []
        conditions = [ctx.shape_condition(argument, "?value")] + [ctx.shape_condition(s, "?value") for s in siblings]
        if all(condition is not None for condition in conditions):
            counts = self.counted(ctx, shape, focus, conditions, minimum, maximum)
        else:
            pairs = ctx.value_pairs(shape, focus)
            distinct = {value for _, value in pairs}
            ok = ctx.conforming(argument, distinct)
            for sibling in siblings:
                ok -= ctx.conforming(sibling, distinct)
            counts = {}
            for this, value in pairs:
                if value in ok:
                    counts[this] = counts.get(this, 0) + 1
        results = []
        for this in focus.nodes:
            n = counts.get(this, 0)
            if minimum is not None and n < minimum:
                results.append(ctx.result(shape, QUALIFIED_MIN, this, message_arguments={"argument": minimum}))
            if maximum is not None and n > maximum:
                results.append(ctx.result(shape, QUALIFIED_MAX, this, message_arguments={"argument": maximum}))
        return results

    @staticmethod
    def counted(ctx, shape, focus, conditions, minimum, maximum) -> dict:
        """{focus node: value nodes that conform (and to no sibling)}, where the shapes compile to conditions."""
        test = " && ".join([f"COALESCE({conditions[0]}, false)"] + [f"!COALESCE({c}, false)" for c in conditions[1:]])
        if minimum == 1 and maximum is None and not ctx.path_may_be_empty(shape):
            # The common "at least one": NOT EXISTS finds the failing focus nodes without counting.
            inner = paths.exists_pattern(ctx.graph, shape.path, "?this", "?value")
            failing = {row["this"] for row in ctx.select(
                f"SELECT ?this WHERE {{ {focus.pattern} FILTER NOT EXISTS {{ {inner} FILTER({test}) }} }}")}
            return {this: 1 for this in focus.nodes if this not in failing}
        rows = ctx.select(f"SELECT ?this (COUNT(?value) AS ?n) WHERE {{ SELECT DISTINCT ?this ?value WHERE "
                          f"{{ {ctx.values(shape, focus)} FILTER({test}) }} }} GROUP BY ?this")
        return {row["this"]: int(row["n"].value) for row in rows}

    def siblings(self, ctx, shape, argument) -> list:
        """§4.7.3: the qualified value shapes of the other property shapes of the shapes that hold this one."""
        found = []
        for parent in ctx.graph.subjects(sh("property"), shape.node):
            for sibling in ctx.graph.objects(parent, sh("property")):
                found += [q for q in ctx.graph.objects(sibling, sh("qualifiedValueShape")) if q != argument]
        return list(dict.fromkeys(found))


class _Named(Component):
    def __init__(self, name, message):
        self.name, self.message = name, message


QUALIFIED_MIN = _Named("QualifiedMinCountConstraintComponent", "Less than {argument} values conform to the qualified shape")
QUALIFIED_MAX = _Named("QualifiedMaxCountConstraintComponent", "More than {argument} values conform to the qualified shape")


# -- 4.8 Other Constraint Components ----------------------------------------------------------------------


@component
class ClosedComponent(Component):
    """§4.8.1: with sh:closed true, value nodes have no triples whose predicate is not a path of
    the shape's property shapes or in sh:ignoredProperties; one result per such triple."""

    parameter, name, message = "closed", "ClosedConstraintComponent", "Predicate {path} is not allowed (closed shape)"

    def evaluate(self, ctx, shape, focus, argument):
        if argument != TRUE:
            return []
        allowed = set()
        for prop in shape.get("property"):
            path = ctx.graph.value(prop, sh("path"))
            if type(path) is pyoxigraph.NamedNode:
                allowed.add(f"<{path.value}>")
        for ignored in shape.get("ignoredProperties"):
            allowed.update(f"<{item.value}>" for item in ctx.graph.items(ignored) if type(item) is pyoxigraph.NamedNode)
        condition = f"FILTER(?predicate NOT IN ({', '.join(sorted(allowed))}))" if allowed else ""
        values = ctx.values(shape, focus)
        # One result per (value node, triple): two value nodes with the same triple give two results.
        rows = ctx.select(f"SELECT ?this ?predicate ?object WHERE {{ {{ SELECT DISTINCT ?this ?value WHERE {{ {values} }} }} "
                          f"?value ?predicate ?object {condition} }}", whole_view=True)
        return [ctx.result(shape, self, row["this"], row["object"], path=row["predicate"]) for row in rows]


@component
class HasValueComponent(Component):
    """§4.8.2: the term is one of the value nodes; otherwise one result per focus node."""

    parameter, name, message = "hasValue", "HasValueConstraintComponent", "Missing expected value {argument}"

    def evaluate(self, ctx, shape, focus, argument):
        if type(argument) is pyoxigraph.BlankNode:
            return [ctx.result(shape, self, this) for this in focus.nodes]  # no data node is the shapes graph's blank node
        expected = ctx.terms.sparql(argument)
        if shape.is_property:
            values = ctx.values(shape, focus)
            present = {row["this"] for row in ctx.select(
                f"SELECT DISTINCT ?this WHERE {{ {values} FILTER(sameTerm(?value, {expected})) }}")}
        else:
            stored = ctx.terms.in_store(argument)
            present = {this for this in focus.nodes if this == stored}
        return [ctx.result(shape, self, this, argument=argument) for this in focus.nodes if this not in present]


@component
class InComponent(Component):
    """§4.8.3: each value node is a member of the list."""

    parameter, name, message = "in", "InConstraintComponent", "Value is not in {argument}"

    def condition(self, ctx, shape, argument, var):
        members = [m for m in ctx.graph.items(argument) if type(m) is not pyoxigraph.BlankNode]
        return balanced("||", [f"sameTerm({var}, {ctx.terms.sparql(member)})" for member in members], "false")


# Parameters that are not constraints of their own: read by the component named, or descriptive.
COMPANION_PARAMETERS = {"flags", "qualifiedMinCount", "qualifiedMaxCount", "qualifiedValueShapesDisjoint", "ignoredProperties"}
NON_CONSTRAINTS = {
    "path", "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "message", "severity", "deactivated",
    "name", "description", "order", "group", "defaultValue", "declare", "prefixes", "shapesGraph", "suggestedShapesGraph",
    "entailment", "labelTemplate", "parameter", "optional", "sparql",
}
