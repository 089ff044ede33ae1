"""The w3id.org `.htaccess` in a real Apache (Debian's apache2, mod_rewrite), case by case.

The cases (site_cases/htaccess.yaml) give an IRI, an Accept header and where the
client must be sent. Apache is started on 127.0.0.1 with the folder laid out as in
the perma-id/w3id.org repository (`cubakg/.htaccess`) and stopped by process id.
Skipped, with the reason, where Apache is not installed (.ci/run installs it).
"""

from __future__ import annotations

import http.client
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import yaml

from cubakg.site.hosting import SITE_URL
from conftest import release_dir

CASES = yaml.safe_load((Path(__file__).parent / "site_cases" / "htaccess.yaml").read_text(encoding="utf-8"))
APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
MODULES = Path("/usr/lib/apache2/modules")
CONFIG = """
ServerRoot "{root}"
ServerName 127.0.0.1
Listen 127.0.0.1:{port}
LoadModule mpm_prefork_module {modules}/mod_mpm_prefork.so
LoadModule authz_core_module {modules}/mod_authz_core.so
LoadModule rewrite_module {modules}/mod_rewrite.so
PidFile "{root}/apache.pid"
ErrorLog "{root}/error.log"
{user}
DocumentRoot "{root}/www"
<Directory "{root}/www">
    AllowOverride All
    Require all granted
</Directory>
"""


@pytest.fixture(scope="module")
def apache():
    if not (Path(APACHE).is_file() and (MODULES / "mod_rewrite.so").is_file()):
        pytest.skip("Apache (Debian's apache2-bin, with mod_rewrite) is not installed: apt-get install apache2-bin")
    from cubakg.serve import free_port

    # Apache's workers run as www-data: the folder must be readable by them (pytest's tmp_path is not).
    root = Path(tempfile.mkdtemp(prefix="cubakg-apache-"))
    os.chmod(root, 0o755)
    (root / "www" / "cubakg").mkdir(parents=True)
    shutil.copy(release_dir() / "w3id" / ".htaccess", root / "www" / "cubakg" / ".htaccess")
    os.chmod(root / "www" / "cubakg" / ".htaccess", 0o644)
    for folder in (root / "www", root / "www" / "cubakg"):
        os.chmod(folder, 0o755)
    port = free_port()
    user = "User www-data\nGroup www-data" if os.getuid() == 0 else ""
    (root / "httpd.conf").write_text(CONFIG.format(root=root, port=port, modules=MODULES, user=user))
    process = subprocess.Popen([APACHE, "-f", str(root / "httpd.conf"), "-DFOREGROUND"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"Apache did not start: {process.stderr.read().decode()}")
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("HEAD", "/")
                break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['path'] or '/'} {c['accept'][:30]}" for c in CASES])
def test_w3id_redirect(apache, case):
    connection = http.client.HTTPConnection("127.0.0.1", apache, timeout=10)
    headers = {"Accept": case["accept"]} if case["accept"] else {}
    connection.request("GET", f"/cubakg/{case['path']}", headers=headers)
    response = connection.getresponse()
    assert response.status == case["status"], response.read()[:300]
    assert response.getheader("Location") == SITE_URL + case["to"]
