"""Words about a command's options for the library's errors.

The library names its inputs, never command-line options: an error may carry
`option` (which input: "endpoint", "store", "timeout", …) and, from an endpoint,
`reason` (cubakg.http_client.REASONS). Each command gives its own table of what to
tell the user for each input; this adds the fitting words to the error's hint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from cubakg.errors import CubakgError

# Reasons that no option can fix: the advice is about the account or the server.
NOT_AN_OPTION_MATTER = frozenset({"unauthorized", "forbidden", "server_error", "broken"})


def add_flag_words(error: CubakgError, words: Mapping[str, str]) -> None:
    reason = getattr(error, "reason", None)
    option = "timeout" if reason == "timeout" else getattr(error, "option", None)
    if reason in NOT_AN_OPTION_MATTER or option not in words:
        return
    error.hint = f"{error.hint}; {words[option]}" if error.hint else words[option]


@contextmanager
def flag_words(words: Mapping[str, str]) -> Iterator[None]:
    """Inside, a CubakgError gets the command's words for the option behind it."""
    try:
        yield
    except CubakgError as error:
        add_flag_words(error, words)
        raise
