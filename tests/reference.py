"""Where the tests' independent judges are: vendored reference files and the Apache Jena wrapper.

Everything is inside the repository (a clone has nothing beside it): the W3C files in
`tests/external/` (see its README for sources, licences and corrections), the wrapper
in `tools/jena`. Apache Jena itself is a Debian package that `.ci/run` installs; tests
that need it skip, with the reason, where it is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO / "tests" / "external"
OA_VOCABULARY = EXTERNAL / "oa.ttl"
DATACUBE_SHAPES = EXTERNAL / "w3c-datacube.shapes.ttl"
COMPETENCY_QUESTIONS = REPO / "docs" / "competency-questions.md"
JENA = REPO / "tools" / "jena"
JENA_CORE_JAR = Path("/usr/share/java/jena-core.jar")


def jena_missing_reason() -> str | None:
    """Why the Jena wrapper cannot run here, or None when it can."""
    if not JENA_CORE_JAR.is_file():
        return (f"Apache Jena is not installed ({JENA_CORE_JAR} is absent): "
                "apt-get install -y default-jre-headless libapache-jena-java")
    if shutil.which("java") is None:
        return "no java on PATH for Apache Jena"
    return None
