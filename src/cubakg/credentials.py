"""Endpoint credentials: from the environment or ~/.netrc, never from arguments, never shown.

    creds = find_credentials("http://127.0.0.1:8890/sparql-auth")
    creds.source   # "$CUBAKG_ENDPOINT_USER/$CUBAKG_ENDPOINT_PASSWORD", never the secret

The environment wins over ~/.netrc (or the file $NETRC names). A user and
password are sent as HTTP Basic, or as Digest once a server challenges for it;
a token is sent as `Authorization: Bearer …`. Which origin they may go to is the
HTTP client's business (cubakg.http_client): only to the URLs the user named.
"""

from __future__ import annotations

import base64
import netrc
import os
import urllib.parse
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from cubakg.errors import InputError, Location, UsageError

ENV_USER = "CUBAKG_ENDPOINT_USER"
ENV_PASSWORD = "CUBAKG_ENDPOINT_PASSWORD"
ENV_TOKEN = "CUBAKG_ENDPOINT_TOKEN"

CREDENTIALS_HINT = (
    f"set {ENV_USER} and {ENV_PASSWORD} (HTTP Basic or Digest) or {ENV_TOKEN} (Bearer token) "
    "in the environment, or add `machine HOST login USER password SECRET` to ~/.netrc"
)


@dataclass(frozen=True)
class Credentials:
    """A user and password, or a token, and where they came from (for messages)."""

    source: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every string that must never be shown, the encoded forms included."""
        if self.token:
            return (self.token,)
        encoded = base64.b64encode(f"{self.user}:{self.password}".encode("utf-8")).decode("ascii")
        return tuple(s for s in (self.password, encoded) if s)

    def auth(self) -> httpx.Auth:
        if self.token:
            return BearerAuth(self.token)
        return BasicThenDigestAuth(self.user or "", self.password or "")


class BearerAuth(httpx.Auth):
    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request


class BasicThenDigestAuth(httpx.Auth):
    """HTTP Basic with every request, until a server wants Digest (Virtuoso's *-auth endpoints);
    from then on, Digest only.

    Virtuoso answers a Basic attempt with a bare 401, no challenge; the request is then
    sent once without credentials, to hear which scheme the server asks for.
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = httpx.BasicAuth(user, password)
        self._digest = httpx.DigestAuth(user, password)
        self._digest_wanted = False

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._digest_wanted:
            yield from self._digest.auth_flow(request)
            return
        response = yield next(self._basic.auth_flow(request))
        if response.status_code != 401:
            return
        del request.headers["Authorization"]
        if not response.headers.get_list("www-authenticate"):
            response = yield request
        if response.status_code != 401 or not wants_digest(response):
            return
        self._digest_wanted = True
        digest = self._digest.auth_flow(request)
        next(digest)  # the request without credentials: `response` already answers it
        try:
            retried = digest.send(response)
        except StopIteration:
            return
        final = yield retried
        try:
            digest.send(final)
        except StopIteration:
            pass


def wants_digest(response: httpx.Response) -> bool:
    return any(c.strip().lower().startswith("digest ") for c in response.headers.get_list("www-authenticate"))


def find_credentials(url: str, environ: Mapping[str, str] | None = None) -> Credentials | None:
    """Credentials for `url`: the environment first, then ~/.netrc; None when there are none."""
    environ = os.environ if environ is None else environ
    token = environ.get(ENV_TOKEN, "")
    user = environ.get(ENV_USER, "")
    password = environ.get(ENV_PASSWORD, "")
    if token:
        return Credentials(f"${ENV_TOKEN}", token=token)
    if user or password:
        if not (user and password):
            missing, present = (ENV_PASSWORD, ENV_USER) if user else (ENV_USER, ENV_PASSWORD)
            raise UsageError(f"{missing} is not set, but {present} is", hint=f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return Credentials(f"${ENV_USER}/${ENV_PASSWORD}", user=user, password=password)
    return netrc_credentials(url, environ)


def netrc_file(environ: Mapping[str, str]) -> Path:
    home = environ.get("HOME") or os.path.expanduser("~")
    return Path(environ.get("NETRC") or Path(home) / ".netrc")


def netrc_credentials(url: str, environ: Mapping[str, str]) -> Credentials | None:
    path = netrc_file(environ)
    if not path.is_file():
        return None
    try:
        entries = netrc.netrc(str(path))
    except netrc.NetrcParseError as error:
        # Its message may quote the offending token, a secret perhaps: keep only the line.
        raise InputError(
            "cannot parse this netrc file", Location(str(path), error.lineno),
            hint=f"fix the line, or use the {ENV_USER} / {ENV_PASSWORD} environment variables instead",
        ) from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror or error}") from None
    host = urllib.parse.urlsplit(url).hostname or ""
    found = entries.authenticators(host)
    if not found:
        return None
    login, _account, password = found
    return Credentials(f"{path} (machine {host})", user=login or "", password=password or "")


def redact(text: str, credentials: Credentials | None) -> str:
    """`text` with every secret of `credentials` replaced by ***."""
    for secret in credentials.secrets if credentials else ():
        text = text.replace(secret, "***")
    return text
