"""Errors a user can act on, each with the exit code the CLI contract gives it.

Exit codes (DESIGN.md, "CLI contract"):
  0 success / conforms, 1 data does not conform, 2 usage error,
  3 input cannot be read or parsed, 4 internal error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

EXIT_OK = 0
EXIT_NONCONFORMING = 1
EXIT_USAGE = 2
EXIT_INPUT = 3
EXIT_INTERNAL = 4


@dataclass(frozen=True)
class Location:
    """A place in an input file; line and column are 1-based."""

    path: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [self.path]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)


def locate(where: "Location | Callable[[], Location] | None") -> "Location | None":
    """A location given as is, or as a function that finds it (only when there is an error to report)."""
    return where() if callable(where) else where


class CubakgError(Exception):
    """Base class: carries the exit code and an optional location."""

    exit_code = EXIT_INTERNAL

    def __init__(self, message: str, location: Location | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __reduce__(self):  # keeps the location and hint when sent between processes
        return (type(self), (self.message, self.location, self.hint))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text


class InputError(CubakgError):
    """Input cannot be read or parsed (exit 3)."""

    exit_code = EXIT_INPUT


class UsageError(CubakgError):
    """The command was called wrongly (exit 2)."""

    exit_code = EXIT_USAGE


class NonConformingError(CubakgError):
    """Data was read but does not conform to the model (exit 1)."""

    exit_code = EXIT_NONCONFORMING

    def __init__(self, message: str, details: str = "", location: Location | None = None):
        super().__init__(message, location)
        self.details = details


class RemoteError(CubakgError):
    """A remote endpoint is down, slow, or refused the request (exit 3: input cannot be read)."""

    exit_code = EXIT_INPUT


class InputErrors(InputError):
    """Several input problems found in one pass (exit 3), so a contributor fixes them all at once."""

    def __init__(self, problems: list[InputError]):
        first = problems[0]
        super().__init__(first.message, first.location, first.hint)
        self.problems = problems

    def __str__(self) -> str:
        if len(self.problems) == 1:
            return str(self.problems[0])
        listed = "\n".join(str(problem) for problem in self.problems)
        return f"{len(self.problems)} problems in the input:\n{listed}"


class Problems:
    """Collects input problems across facts and sheets, then raises them together.

    >>> problems = Problems()
    >>> with problems.collect():
    ...     raise InputError("bad", Location("a.yaml", 3))
    >>> len(problems)
    1
    """

    def __init__(self) -> None:
        self.found: list[InputError] = []

    def __len__(self) -> int:
        return len(self.found)

    def collect(self):
        return _Collecting(self)

    def raise_if_any(self) -> None:
        if self.found:
            raise InputErrors(self.found)


class _Collecting:
    def __init__(self, problems: Problems):
        self.problems = problems

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, _traceback) -> bool:
        if isinstance(error, InputErrors):
            self.problems.found.extend(error.problems)
            return True
        if isinstance(error, InputError):
            self.problems.found.append(error)
            return True
        return False
