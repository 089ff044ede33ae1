"""The one HTTP client of every command that talks to a server (on httpx).

    with EndpointClient(timeout=30) as client:
        response = client.request("POST", "http://127.0.0.1:7878/query", data={"query": "ASK {}"},
                                  headers={"Accept": "application/sparql-results+json"})

- Credentials (cubakg.credentials) go to the URLs the caller names, each looked up
  for its own host, and to nothing else.
- A redirect to the same origin (scheme, host, port) is followed, at most
  MAX_REDIRECTS times, keeping the method and body (a 303 turns into a GET); a
  redirect to another origin is refused, naming both URLs, so neither credentials
  nor data go there.
- Every request has a timeout. Every failure is an EndpointError whose `reason`
  (one of REASONS) lets a caller add its own advice, and whose message never shows
  a secret. Messages name no command-line option: callers word those.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Mapping

import httpx

from cubakg.credentials import CREDENTIALS_HINT, Credentials, find_credentials, redact
from cubakg.errors import RemoteError, UsageError

MAX_REDIRECTS = 5
EXCERPT_CHARS = 300

REASONS = (
    "refused",  # nothing listens at the address
    "unreachable",  # no route, unknown host, TLS failure, …
    "timeout",  # no answer in time
    "broken",  # the connection closed before a whole answer came
    "redirect",  # a redirect not followed (another origin, or too many)
    "unauthorized",  # HTTP 401
    "forbidden",  # HTTP 403
    "not_found",  # HTTP 404
    "rejected",  # other HTTP 4xx
    "server_error",  # HTTP 5xx
    "not_sparql",  # an answer, but not what a SPARQL endpoint sends
)


class EndpointError(RemoteError):
    """A request to an endpoint failed. `reason` is one of REASONS; `status` the HTTP status, if any;
    `option` is the caller's to say which of its inputs gave this URL (e.g. "store")."""

    def __init__(self, message: str, *, reason: str, url: str, status: int | None = None, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.reason = reason
        self.url = url
        self.status = status
        self.option: str | None = None


class OptionError(UsageError):
    """An input of a library call is wrong; `option` names it (e.g. "store"), so that a
    command-line front end can name its own option for it."""

    def __init__(self, message: str, option: str, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.option = option


def origin(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) with the scheme's default port filled in: what "same origin" compares."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or {"http": 80, "https": 443}.get(scheme, 0)


def check_url(url: str, option: str, description: str) -> str:
    """`url` if it is an http(s) URL without credentials in it; else an OptionError."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OptionError(f"the {description} must be an http(s) URL, got {without_userinfo(url)!r}", option)
    if parts.username or parts.password:
        raise OptionError(
            f"the {description} contains credentials ({without_userinfo(url)}); credentials are not accepted in URLs",
            option, hint=CREDENTIALS_HINT,
        )
    return url


def without_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


class EndpointClient:
    """HTTP requests to endpoints with timeouts, credentials and errors a person can act on."""

    def __init__(self, timeout: float, environ: Mapping[str, str] | None = None) -> None:
        self.timeout = timeout
        self._environ = environ
        self._http = httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": "cubakg"})
        self._auth: dict[tuple[str, str, int], tuple[Credentials | None, httpx.Auth | None]] = {}

    def __enter__(self) -> "EndpointClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def credentials(self, url: str) -> Credentials | None:
        return self._credentials_and_auth(url)[0]

    def _credentials_and_auth(self, url: str) -> tuple[Credentials | None, httpx.Auth | None]:
        key = origin(url)
        if key not in self._auth:
            found = find_credentials(url, self._environ)
            # One Auth per origin: it remembers whether that server wants Digest.
            self._auth[key] = (found, found.auth() if found else None)
        return self._auth[key]

    def request(
        self, method: str, url: str, *, content: bytes | None = None, data: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None, tolerate: frozenset[int] = frozenset(),
    ) -> httpx.Response:
        """Send one request, following same-origin redirects. A status in `tolerate` is returned;
        any other failure raises EndpointError."""
        first_url = url
        for _ in range(MAX_REDIRECTS + 1):
            response = self._send(method, url, content, data, headers)
            if not (response.is_redirect and "location" in response.headers):
                return self._checked(method, url, response, tolerate)
            target = urllib.parse.urljoin(url, response.headers["location"])
            if origin(target) != origin(url):
                raise EndpointError(
                    f"{url} redirects (HTTP {response.status_code}) to {target}, another origin: "
                    "not followed, so no credentials or data were sent there",
                    reason="redirect", url=url, status=response.status_code,
                    hint=f"if you trust {target}, use that URL instead",
                )
            if response.status_code == 303:
                method, content, data = "GET", None, None
            url = target
        raise EndpointError(
            f"{first_url} redirects more than {MAX_REDIRECTS} times (last to {url})",
            reason="redirect", url=first_url, hint="use the final URL instead",
        )

    def _send(self, method: str, url: str, content: bytes | None, data: Mapping[str, str] | None,
              headers: Mapping[str, str] | None) -> httpx.Response:
        credentials, auth = self._credentials_and_auth(url)
        try:
            return self._http.request(method, url, content=content, data=data, headers=headers,
                                      auth=auth or httpx.USE_CLIENT_DEFAULT)
        except httpx.TimeoutException:
            raise EndpointError(
                f"the endpoint {url} ({method}) did not answer within {self.timeout:g} s",
                reason="timeout", url=url, hint="the endpoint is slow or hung: check it, or allow it more time",
            ) from None
        except httpx.ConnectError as error:
            if isinstance(error.__context__, ConnectionRefusedError) or "refused" in str(error).lower():
                raise EndpointError(
                    f"cannot reach the endpoint {url} ({method}): connection refused: nothing is listening there",
                    reason="refused", url=url, hint="start the triple store, or check the host and port of the URL",
                ) from None
            raise EndpointError(
                f"cannot reach the endpoint {url} ({method}): {redact(str(error), credentials) or type(error).__name__}",
                reason="unreachable", url=url, hint="check the URL, the network, and that the triple store is running",
            ) from None
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as error:
            raise EndpointError(
                f"the endpoint {url} ({method}) broke the connection before answering"
                f" ({redact(str(error), credentials) or type(error).__name__})",
                reason="broken", url=url, hint="look at the triple store's log; retry when it is healthy",
            ) from None
        except httpx.TransportError as error:
            raise EndpointError(
                f"cannot reach the endpoint {url} ({method}): {redact(str(error), credentials) or type(error).__name__}",
                reason="unreachable", url=url, hint="check the URL, the network, and that the triple store is running",
            ) from None

    def _checked(self, method: str, url: str, response: httpx.Response, tolerate: frozenset[int]) -> httpx.Response:
        status = response.status_code
        if status < 300 or status in tolerate:
            return response
        credentials = self.credentials(url)
        said = excerpt(response, credentials)
        said = f": {said}" if said else ""
        where = f"the endpoint {url} ({method})"
        if status == 401:
            if credentials:
                message = f"{where} refused the credentials from {credentials.source} (HTTP 401){said}"
            else:
                message = f"{where} needs credentials, and none were found (HTTP 401){said}"
            raise EndpointError(message, reason="unauthorized", url=url, status=status, hint=CREDENTIALS_HINT)
        if status == 403:
            who = f"the account from {credentials.source}" if credentials else "anonymous users"
            raise EndpointError(f"{where} forbids this to {who} (HTTP 403){said}", reason="forbidden", url=url,
                                status=status, hint="use an account that may do this; " + CREDENTIALS_HINT)
        if status == 404:
            raise EndpointError(f"{where}: nothing at this URL (HTTP 404){said}", reason="not_found", url=url,
                                status=status, hint="check the URL (docs/loading.md lists each store's URLs)")
        if status >= 500:
            raise EndpointError(f"{where} failed (HTTP {status}){said}", reason="server_error", url=url, status=status,
                                hint="look at the triple store's log; retry when it is healthy")
        if 300 <= status < 400:
            raise EndpointError(f"{where} redirects (HTTP {status}) without saying where", reason="redirect",
                                url=url, status=status)
        raise EndpointError(f"{where} rejected the request (HTTP {status}){said}", reason="rejected", url=url,
                            status=status, hint="check the URL (docs/loading.md lists each store's URLs)")


def excerpt(response: httpx.Response, credentials: Credentials | None) -> str:
    """The start of an error answer as one line of text (tags of an HTML page dropped), secrets hidden."""
    text = response.content[:20_000].decode(response.encoding or "utf-8", "replace")
    if "html" in response.headers.get("content-type", "").lower():
        text = re.sub(r"<(head|script|style)\b.*?</\1>|<[^>]*>", " ", text, flags=re.DOTALL | re.IGNORECASE)
    text = " ".join(text.split())
    return redact(text, credentials)[:EXCERPT_CHARS]
