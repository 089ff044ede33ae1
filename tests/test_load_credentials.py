"""Credentials for both commands that talk to a server, `cubakg load` and `cubakg query --endpoint`:
from the environment or ~/.netrc, by Basic, Digest or Bearer, to the endpoint's origin only,
and never in any output, error or process argument.

The endpoint is a real Oxigraph server behind a small proxy on 127.0.0.1 that demands
credentials and records what it got.
"""

from __future__ import annotations

import base64
import subprocess
import sys
from pathlib import Path

import pytest

from cubakg.resources import SHARED_GRAPH
from load_support import (
    MINI_RELEASE, REPO, AuthProxy, DigestProxy, Redirector, SameOriginMover, SparqlStub, cli, count_in_graph,
    cubakg_env, process_tree_cmdlines, shared_oxigraph, sparql_update, unused_port,
)

USER, PASSWORD, TOKEN = "loader", "s3cret-Pa55word", "tok-9f8e7d6c5b4a"
BASIC = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
SECRETS = (PASSWORD, TOKEN, BASIC.split()[1])

ENV_BASIC = {"CUBAKG_ENDPOINT_USER": USER, "CUBAKG_ENDPOINT_PASSWORD": PASSWORD}
ENV_TOKEN = {"CUBAKG_ENDPOINT_TOKEN": TOKEN}

COMMANDS = ["load", "query"]


@pytest.fixture
def oxigraph():
    server = shared_oxigraph()
    sparql_update(server.update_url, "DROP ALL")
    return server


def run(command: str, url: str, env: dict[str, str]):
    """`cubakg load` of the mini release, or `cubakg query overview`, against `url` (a query endpoint)."""
    if command == "load":
        return cli("load", "--endpoint", url, "--release", str(MINI_RELEASE), "--per-article-graphs", env=env)
    return cli("query", "overview", "--endpoint", url, "--format", "csv", env=env)


def write_netrc(home: Path, login: str = USER, password: str = PASSWORD) -> dict[str, str]:
    netrc_file = home / ".netrc"
    netrc_file.write_text(f"machine 127.0.0.1\n  login {login}\n  password {password}\n")
    netrc_file.chmod(0o600)
    return {"HOME": str(home)}


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"a secret shows in: {text[:500]}"


def assert_succeeded(command: str, done, oxigraph) -> None:
    assert done.returncode == 0, done.stderr
    if command == "load":
        assert count_in_graph(oxigraph.query_url, SHARED_GRAPH) == 10
    else:
        assert done.stdout.startswith("kind,item,count")
    assert_no_secret(done.stdout, done.stderr)


# -- where credentials come from, and how they are sent ---------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("source", ["environment", "netrc"])
def test_basic_credentials_reach_the_endpoint(oxigraph, tmp_path, command, source):
    env = ENV_BASIC if source == "environment" else write_netrc(tmp_path)
    with AuthProxy(oxigraph.base_url, BASIC) as proxy:
        done = run(command, f"{proxy.base_url}/query", env)
    assert_succeeded(command, done, oxigraph)
    assert proxy.authorizations and set(proxy.authorizations) == {BASIC}


@pytest.mark.parametrize("command", COMMANDS)
def test_a_token_is_sent_as_bearer(oxigraph, command):
    with AuthProxy(oxigraph.base_url, f"Bearer {TOKEN}") as proxy:
        done = run(command, f"{proxy.base_url}/query", ENV_TOKEN)
    assert_succeeded(command, done, oxigraph)
    assert set(proxy.authorizations) == {f"Bearer {TOKEN}"}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("source", ["environment", "netrc"])
def test_digest_is_answered_when_the_endpoint_asks_for_it(oxigraph, tmp_path, command, source):
    # Like Virtuoso's /sparql-auth: a Basic attempt gets a bare 401; a request without credentials, the challenge.
    env = ENV_BASIC if source == "environment" else write_netrc(tmp_path)
    with DigestProxy(oxigraph.base_url, USER, PASSWORD) as proxy:
        done = run(command, f"{proxy.base_url}/query", env)
    assert_succeeded(command, done, oxigraph)
    schemes = [(a or "none").split()[0] for a in proxy.authorizations]
    # Basic once, then once without credentials (to hear the challenge), then Digest only.
    assert schemes[:3] == ["Basic", "none", "Digest"] and set(schemes[3:]) <= {"Digest"}, schemes
    assert all(f'username="{USER}"' in a for a in proxy.authorizations if a and a.startswith("Digest"))


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("proxy_kind", ["basic", "digest"])
def test_wrong_credentials_are_refused_without_showing_them(oxigraph, command, proxy_kind):
    proxy = (AuthProxy(oxigraph.base_url, "Basic d3Jvbmc6d3Jvbmc=") if proxy_kind == "basic"
             else DigestProxy(oxigraph.base_url, USER, "another-password"))
    with proxy:
        done = run(command, f"{proxy.base_url}/query", ENV_BASIC)
    assert done.returncode == 3
    assert "refused the credentials from $CUBAKG_ENDPOINT_USER/$CUBAKG_ENDPOINT_PASSWORD (HTTP 401)" in done.stderr
    assert "CUBAKG_ENDPOINT_TOKEN" in done.stderr and "~/.netrc" in done.stderr
    assert len(proxy.authorizations) <= 4  # a few tries, then stop
    assert_no_secret(done.stdout, done.stderr)


def test_netrc_credentials_for_another_host_are_not_used(oxigraph, tmp_path):
    (tmp_path / ".netrc").write_text(f"machine elsewhere.example login {USER} password {PASSWORD}\n")
    with AuthProxy(oxigraph.base_url, BASIC) as proxy:
        done = run("query", f"{proxy.base_url}/query", {"HOME": str(tmp_path)})
    assert done.returncode == 3 and "needs credentials, and none were found" in done.stderr
    assert proxy.authorizations == [None]


# -- redirects: same origin followed, another origin refused ------------------------------------


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("credentials", ["basic", "token", "netrc"])
def test_a_redirect_to_another_origin_is_refused_and_nothing_reaches_it(tmp_path, command, credentials):
    env = {"basic": ENV_BASIC, "token": ENV_TOKEN}.get(credentials) or write_netrc(tmp_path)
    with SparqlStub() as elsewhere, Redirector(target=elsewhere.base_url, status=302) as endpoint:
        done = run(command, f"{endpoint.base_url}/query", env)
    assert done.returncode == 3
    # The message names both URLs.
    assert f"{endpoint.base_url}/query redirects (HTTP 302) to {elsewhere.base_url}/query, another origin" in done.stderr
    assert "no credentials or data were sent there" in done.stderr
    assert elsewhere.requests == []  # not a single request, with credentials or without
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_redirect_to_another_port_is_another_origin(command):
    with SparqlStub() as elsewhere, Redirector(target=elsewhere.base_url.replace("127.0.0.1", "localhost")) as endpoint:
        done = run(command, f"{endpoint.base_url}/query", ENV_TOKEN)
    assert done.returncode == 3 and "another origin" in done.stderr and elsewhere.requests == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_redirect_within_the_origin_is_followed_with_credentials(oxigraph, command):
    with SameOriginMover(oxigraph.base_url, f"Bearer {TOKEN}") as endpoint:
        done = run(command, f"{endpoint.base_url}/query", ENV_TOKEN)
    assert_succeeded(command, done, oxigraph)
    moved = [r for r in endpoint.requests if r.split()[1].startswith("/moved/")]
    assert moved and len(moved) * 2 == len(endpoint.requests)  # every request redirected once, then served
    if command == "load":
        assert {"PUT /moved/store", "POST /moved/update"} <= set(moved)  # methods and bodies kept


# -- never shown, never in arguments ----------------------------------------------------------


class WatchingProxy(AuthProxy):
    """Records the command lines of the client's process tree while it waits for an answer."""

    def __init__(self, upstream: str, required: str) -> None:
        super().__init__(upstream, required)
        self.client_pid: int | None = None
        self.seen_cmdlines: list[str] = []

    def gate(self, method, path, headers, body):
        if self.client_pid:
            self.seen_cmdlines += process_tree_cmdlines(self.client_pid)
        return super().gate(method, path, headers, body)


@pytest.mark.parametrize("command", COMMANDS)
def test_netrc_credentials_are_in_no_process_argument_and_no_output(oxigraph, tmp_path, command):
    args = (["load", "--release", str(MINI_RELEASE)] if command == "load" else ["query", "overview"])
    with WatchingProxy(oxigraph.base_url, BASIC) as proxy:
        child = subprocess.Popen(
            [sys.executable, "-m", "cubakg", *args, "--endpoint", f"{proxy.base_url}/query"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            env=cubakg_env(write_netrc(tmp_path)),
        )
        proxy.client_pid = child.pid
        stdout, stderr = child.communicate(timeout=120)
    assert child.returncode == 0, stderr
    assert proxy.seen_cmdlines and any("cubakg" in line for line in proxy.seen_cmdlines)
    assert_no_secret(stdout, stderr, *proxy.seen_cmdlines)


@pytest.mark.parametrize("command", COMMANDS)
def test_credentials_in_the_url_are_refused_and_hidden(command):
    done = run(command, f"http://{USER}:{PASSWORD}@127.0.0.1:{unused_port()}/query", {})
    assert done.returncode == 2
    assert "credentials are not accepted in URLs" in done.stderr and "http://***@127.0.0.1" in done.stderr
    assert "CUBAKG_ENDPOINT_USER" in done.stderr
    assert USER not in done.stderr
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("command", COMMANDS)
def test_an_unparseable_netrc_names_its_line_and_hides_its_secrets(tmp_path, command):
    netrc_file = tmp_path / ".netrc"
    netrc_file.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\nmachine\n")
    with SparqlStub() as endpoint:
        done = run(command, f"{endpoint.base_url}/query", {"HOME": str(tmp_path)})
    assert done.returncode == 3
    assert f"{netrc_file}:" in done.stderr and "cannot parse this netrc file" in done.stderr
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("given, missing", [("CUBAKG_ENDPOINT_USER", "CUBAKG_ENDPOINT_PASSWORD"),
                                            ("CUBAKG_ENDPOINT_PASSWORD", "CUBAKG_ENDPOINT_USER")])
def test_half_a_login_is_a_usage_error(command, given, missing):
    with SparqlStub() as endpoint:
        done = run(command, f"{endpoint.base_url}/query", {given: PASSWORD})
    assert done.returncode == 2 and f"{missing} is not set, but {given} is" in done.stderr
    assert endpoint.requests == []
    assert_no_secret(done.stdout, done.stderr)
