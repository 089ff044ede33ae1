"""Which literals are well-formed: the lexical spaces of the XSD datatypes RDF uses.

SHACL's sh:datatype (§4.1.2) fails "literals with ill-formed lexical forms", and RDF 1.1
(§5.1) makes a literal ill-typed when its lexical form is not in the lexical space of
its datatype. The lexical spaces are the regular expressions of XML Schema 1.1 Part 2
(§3.3 primitive, §3.4 derived types), plus the value constraints a regular expression
cannot say (ranges of integer types, days of the month). No whitespace is stripped:
RDF takes the lexical form as written.

>>> well_formed("300", XSD + "byte"), well_formed("-5", XSD + "int")
(False, True)
>>> well_formed("2023-02-29", XSD + "date"), well_formed("anything", "http://example.org/dt")
(False, True)
"""

from __future__ import annotations

import re

from cubakg.namespaces import RDF, XSD

_TZ = r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = r"-?([1-9][0-9]{3,}|0[0-9]{3})"
_MONTH = r"(0[1-9]|1[0-2])"
_DAY = r"(0[1-9]|[12][0-9]|3[01])"
_TIME = r"(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
_DT_PART = r"T(([0-9]+H)([0-9]+M)?([0-9]+(\.[0-9]+)?S)?|([0-9]+M)([0-9]+(\.[0-9]+)?S)?|([0-9]+(\.[0-9]+)?S))"
_YM_PART = r"(([0-9]+Y)([0-9]+M)?|([0-9]+M))"
_NAME_START = ":A-Z_a-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D\u2070-\u218F" \
              "\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF"
_NAME_CHAR = _NAME_START + r"\-.0-9\u00B7\u0300-\u036F\u203F-\u2040"
_B64 = r"[A-Za-z0-9+/]"

PATTERNS = {
    "boolean": r"true|false|1|0",
    "decimal": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)",
    "integer": r"[+-]?[0-9]+",
    "float": r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([Ee][+-]?[0-9]+)?|[+-]?INF|NaN",
    "dateTime": f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}{_TZ}",
    "dateTimeStamp": f"{_YEAR}-{_MONTH}-{_DAY}T{_TIME}" + _TZ[:-1],
    "date": f"{_YEAR}-{_MONTH}-{_DAY}{_TZ}",
    "time": f"{_TIME}{_TZ}",
    "gYear": f"{_YEAR}{_TZ}",
    "gYearMonth": f"{_YEAR}-{_MONTH}{_TZ}",
    "gMonth": f"--{_MONTH}{_TZ}",
    "gDay": f"---{_DAY}{_TZ}",
    "gMonthDay": f"--{_MONTH}-{_DAY}{_TZ}",
    "duration": rf"-?P(({_YM_PART}([0-9]+D)?|([0-9]+D))({_DT_PART})?|{_DT_PART})",
    "yearMonthDuration": rf"-?P{_YM_PART}",
    "dayTimeDuration": rf"-?P(([0-9]+D)({_DT_PART})?|{_DT_PART})",
    "hexBinary": r"([0-9a-fA-F]{2})*",
    "base64Binary": rf"((({_B64} ?){{4}})*(({_B64} ?){{3}}{_B64}|({_B64} ?){{2}}[AEIMQUYcgkosw048] ?=|{_B64} ?[AQgw] ?= ?=))?",
    "language": r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*",
    "normalizedString": r"[^\r\n\t]*",
    "token": r"([^\s]+( [^\s]+)*)?",
    "NMTOKEN": f"[{_NAME_CHAR}]+",
    "Name": f"[{_NAME_START}][{_NAME_CHAR}]*",
    "NCName": f"[{_NAME_START.replace(':', '')}][{_NAME_CHAR.replace(':', '')}]*",
}
PATTERNS["double"] = PATTERNS["float"]
# Integer types: the integer lexical space and a range of values (None: unbounded).
INTEGER_RANGES = {
    "integer": (None, None), "nonPositiveInteger": (None, 0), "negativeInteger": (None, -1),
    "long": (-2 ** 63, 2 ** 63 - 1), "int": (-2 ** 31, 2 ** 31 - 1), "short": (-2 ** 15, 2 ** 15 - 1),
    "byte": (-128, 127), "nonNegativeInteger": (0, None), "unsignedLong": (0, 2 ** 64 - 1),
    "unsignedInt": (0, 2 ** 32 - 1), "unsignedShort": (0, 2 ** 16 - 1), "unsignedByte": (0, 255),
    "positiveInteger": (1, None),
}
_COMPILED = {XSD + name: re.compile(pattern) for name, pattern in PATTERNS.items()}
_INTEGER = re.compile(PATTERNS["integer"])
_DAYS = {2: 29, 4: 30, 6: 30, 9: 30, 11: 30}
_DATE_PARTS = re.compile(r"(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})")
_MONTH_DAY = re.compile(r"--([0-9]{2})-([0-9]{2})")
# Datatypes whose every lexical form is well-formed (string-like, or a lexical space of all strings).
ANY_LEXICAL = {XSD + "string", XSD + "anyURI", RDF + "langString"}


def known(datatype: str) -> bool:
    """Whether the lexical space of a datatype is known here (else every form is taken as well-formed)."""
    name = datatype[len(XSD):] if datatype.startswith(XSD) else None
    return datatype in ANY_LEXICAL or datatype in _COMPILED or name in INTEGER_RANGES


def well_formed(lexical: str, datatype: str) -> bool:
    """Whether `lexical` is in the lexical space of `datatype` (unknown datatypes: True)."""
    if datatype in ANY_LEXICAL or not datatype.startswith(XSD):
        return True
    name = datatype[len(XSD):]
    if name in INTEGER_RANGES:
        if not _INTEGER.fullmatch(lexical):
            return False
        low, high = INTEGER_RANGES[name]
        value = int(lexical)
        return (low is None or value >= low) and (high is None or value <= high)
    pattern = _COMPILED.get(datatype)
    if pattern is None:
        return True
    if not pattern.fullmatch(lexical):
        return False
    if name in ("date", "dateTime", "dateTimeStamp"):
        year, month, day = (int(part) for part in _DATE_PARTS.match(lexical).groups())
        return day <= days_in_month(year, month)
    if name == "gMonthDay":
        month, day = (int(part) for part in _MONTH_DAY.match(lexical).groups())
        return day <= _DAYS.get(month, 31)
    return True


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        # XSD 1.1 years are proleptic Gregorian with a year 0 (= 1 BCE), a leap year.
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return _DAYS.get(month, 31)
