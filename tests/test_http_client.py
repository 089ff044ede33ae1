"""cubakg.http_client, the one HTTP client: how each failure reads, redirects, and the
Basic-then-Digest login, against small servers on 127.0.0.1."""

from __future__ import annotations

import base64

import pytest

from cubakg.http_client import EndpointClient, EndpointError, OptionError, check_url, origin
from load_support import RecordingServer, SilentServer, StatusServer, unused_port

TOKEN = "tok-0123456789"
ENV_TOKEN = {"CUBAKG_ENDPOINT_TOKEN": TOKEN}
ENV_LOGIN = {"CUBAKG_ENDPOINT_USER": "ana", "CUBAKG_ENDPOINT_PASSWORD": "pw-secret"}


def client(environ=None, timeout: float = 5) -> EndpointClient:
    return EndpointClient(timeout, environ={"HOME": "/nonexistent", **(environ or {})})


# status → (reason, words in the message); the message is the client's, free of command-line options.
STATUSES = [
    (401, {}, "unauthorized", "needs credentials, and none were found (HTTP 401)"),
    (401, ENV_TOKEN, "unauthorized", "refused the credentials from $CUBAKG_ENDPOINT_TOKEN (HTTP 401)"),
    (403, {}, "forbidden", "forbids this to anonymous users (HTTP 403)"),
    (403, ENV_LOGIN, "forbidden", "forbids this to the account from $CUBAKG_ENDPOINT_USER/$CUBAKG_ENDPOINT_PASSWORD"),
    (404, {}, "not_found", "nothing at this URL (HTTP 404)"),
    (405, {}, "rejected", "rejected the request (HTTP 405)"),
    (500, {}, "server_error", "failed (HTTP 500)"),
    (503, {}, "server_error", "failed (HTTP 503)"),
]


@pytest.mark.parametrize("status, environ, reason, words", STATUSES)
def test_each_failing_status_has_its_reason_and_words(status, environ, reason, words):
    with StatusServer(status, b"the server's own words") as server, client(environ) as http:
        with pytest.raises(EndpointError) as caught:
            http.request("POST", f"{server.base_url}/sparql", data={"query": "ASK {}"})
    error = caught.value
    assert (error.reason, error.status, error.url) == (reason, status, f"{server.base_url}/sparql")
    assert words in error.message and "the server's own words" in error.message
    assert f"the endpoint {server.base_url}/sparql (POST)" in error.message


def test_a_tolerated_status_is_returned():
    with StatusServer(404) as server, client() as http:
        assert http.request("PUT", server.base_url, content=b"", tolerate=frozenset({404})).status_code == 404


def test_nothing_listening_timeouts_and_broken_connections():
    with client(timeout=0.5) as http:
        with pytest.raises(EndpointError) as refused:
            http.request("GET", f"http://127.0.0.1:{unused_port()}/sparql")
        assert refused.value.reason == "refused" and "nothing is listening there" in refused.value.message

        with SilentServer() as silent, pytest.raises(EndpointError) as slow:
            http.request("GET", silent.base_url)
        assert slow.value.reason == "timeout" and "did not answer within 0.5 s" in slow.value.message

        class Hangs_up(RecordingServer):
            def answer(self, method, path, headers, body):
                return None  # close the connection unanswered

        with Hangs_up() as server, pytest.raises(EndpointError) as broken:
            http.request("POST", server.base_url, content=b"x")
        assert broken.value.reason == "broken" and "broke the connection before answering" in broken.value.message


class Echo(RecordingServer):
    """Fails, quoting the Authorization header it got (a careless server's error page)."""

    def answer(self, method, path, headers, body):
        return 500, {"Content-Type": "text/plain"}, f"bad header: {headers.get('Authorization')}".encode()


@pytest.mark.parametrize("environ", [ENV_TOKEN, ENV_LOGIN], ids=["token", "login"])
def test_a_secret_echoed_by_the_server_is_hidden(environ):
    with Echo() as server, client(environ) as http, pytest.raises(EndpointError) as caught:
        http.request("GET", server.base_url)
    encoded = base64.b64encode(b"ana:pw-secret").decode()
    for secret in (TOKEN, "pw-secret", encoded):
        assert secret not in caught.value.message
    assert "bad header: Bearer ***" in caught.value.message or "bad header: Basic ***" in caught.value.message


class Hops(RecordingServer):
    """/a → 307 → /b → 303 → /c (a relative Location each time), which answers with what it got."""

    def answer(self, method, path, headers, body):
        if path == "/a":
            return 307, {"Location": "/b"}, b""
        if path == "/b":
            return 303, {"Location": "c"}, b""
        if path.startswith("/loop"):
            return 302, {"Location": f"/loop{len(self.requests)}"}, b""
        return 200, {"Content-Type": "text/plain"}, f"{method} {path} {body.decode()}".encode()


def test_same_origin_redirects_keep_method_and_body_and_a_303_turns_into_a_get():
    with Hops() as server, client(ENV_TOKEN) as http:
        response = http.request("POST", f"{server.base_url}/a", content=b"payload")
        assert response.text == "GET /c "
        assert server.requests == ["POST /a", "POST /b", "GET /c"]
        assert server.authorizations == [f"Bearer {TOKEN}"] * 3  # the same origin: credentials go along


def test_a_redirect_loop_stops():
    with Hops() as server, client() as http, pytest.raises(EndpointError) as caught:
        http.request("GET", f"{server.base_url}/loop")
    assert caught.value.reason == "redirect" and "redirects more than 5 times" in caught.value.message
    assert len(server.requests) == 6


def test_a_redirect_to_another_origin_is_not_followed():
    with StatusServer(200) as other, StatusServer(301, location=f"{other.base_url}/x") as server:
        with client(ENV_TOKEN) as http, pytest.raises(EndpointError) as caught:
            http.request("PUT", f"{server.base_url}/store", content=b"data")
    assert caught.value.reason == "redirect"
    assert f"{server.base_url}/store redirects (HTTP 301) to {other.base_url}/x, another origin" in caught.value.message
    assert other.requests == []


@pytest.mark.parametrize("a, b, same", [
    ("http://h/x", "http://h:80/y", True),
    ("https://h/x", "https://H:443/", True),
    ("http://h/x", "https://h/x", False),
    ("http://h:8890/x", "http://h:8891/x", False),
    ("http://127.0.0.1/x", "http://localhost/x", False),
])
def test_what_counts_as_the_same_origin(a, b, same):
    assert (origin(a) == origin(b)) is same


@pytest.mark.parametrize("url, words", [
    ("ftp://h/sparql", "must be an http(s) URL"),
    ("sparql", "must be an http(s) URL"),
    ("http://user:pw@h/sparql", "contains credentials (http://***@h/sparql)"),
])
def test_unusable_urls(url, words):
    with pytest.raises(OptionError) as caught:
        check_url(url, "endpoint", "endpoint URL")
    assert words in caught.value.message and caught.value.option == "endpoint"
    assert "pw" not in caught.value.message.replace("http(s)", "")
