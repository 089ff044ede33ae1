"""`cubakg validate`: check RDF files against the cubakg shapes and ontology."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from cubakg.cli import console
from cubakg.cli.app import app

VALIDATE_HELP = """Check RDF data against the cubakg model before it reaches the graph.

Runs the SHACL shapes (plus any --shapes files) and three checks SHACL expresses
badly: ckg: terms the ontology does not define (with the nearest defined term),
id/ IRIs that point at nothing, and ill-typed literals.

Examples:

  cubakg validate new-facts.ttl

  cubakg validate contributions/ --with-graph --format json

  curl -s https://example.org/export.nt | cubakg validate - --input-format ntriples

  cubakg validate seeds/my-article.yaml          (a fact sheet, as the build would)

Inputs: .ttl .nt .nq .trig .jsonld .rdf/.xml/.owl (or --input-format); a
directory means every RDF file under it; - reads standard input (Turtle unless
--input-format says otherwise). A fact sheet (.yaml in a seeds folder) is checked
as the build would check it, with its article and the registry beside it:
anchoring, keys, dates, coverage and the shapes on the facts it would emit,
nothing written. Exit codes: 0 conforms, 1 does not conform,
2 usage error, 3 unreadable or unparseable input, 4 internal error. The exit
code follows --severity; a report's sh:conforms is SHACL's (no result at all).
"""


@app.command("validate", help=VALIDATE_HELP)
def validate_command(
    paths: Annotated[Optional[list[str]], typer.Argument(metavar="FILE|DIR|-", help="Files, directories, or - for standard input.", show_default=False)] = None,
    input_format: Annotated[Optional[str], typer.Option("--input-format", metavar="FORMAT", help="Read every input as this format: turtle, ntriples, nquads, trig, jsonld, rdfxml.")] = None,
    shapes: Annotated[Optional[list[str]], typer.Option("--shapes", metavar="FILE", help="More SHACL shapes to apply (repeatable; - reads standard input).")] = None,
    with_graph: Annotated[bool, typer.Option("--with-graph", help="Validate together with the published graph, so the data may refer to its people, agencies and events.")] = False,
    output_format: Annotated[str, typer.Option("--format", metavar="FORMAT", help="text (default), json, or turtle (a sh:ValidationReport).")] = "text",
    severity: Annotated[str, typer.Option("--severity", metavar="LEVEL", help="Lowest severity that fails the run: violation (default), warning or info.")] = "violation",
    verbose: Annotated[bool, typer.Option("--verbose", help="Say what is being done, on standard error.")] = False,
) -> None:
    from cubakg.errors import EXIT_NONCONFORMING, CubakgError

    try:
        conforms = run(paths, input_format, shapes, with_graph, output_format, severity, verbose)
    except CubakgError:
        raise
    except Exception as error:  # a bug: say so plainly (exit 4), without a traceback
        raise CubakgError(
            f"internal error: {type(error).__name__}: {error}",
            hint="this is a bug in cubakg; please report it with the command you ran",
        ) from None
    if not conforms:
        sys.exit(EXIT_NONCONFORMING)  # typer.Exit would be swallowed in standalone_mode=False


def run(paths, input_format, shapes, with_graph, output_format, severity, verbose=False) -> bool:
    """Validate, print the report; whether the data conforms."""
    from cubakg.conformance.run import Options, validate
    from cubakg.errors import UsageError

    output_format = output_format.lower()
    if output_format not in ("text", "json", "turtle"):
        raise UsageError(f"unknown --format {output_format!r}", hint="use text, json or turtle")
    sheets = [p for p in paths or [] if p.lower().endswith((".yaml", ".yml"))]
    if sheets:
        if len(sheets) != len(paths) or shapes or with_graph or input_format:
            raise UsageError("fact sheets are checked on their own",
                             hint="give only .yaml sheets (no RDF files, --shapes, --with-graph or --input-format)")
        return check_sheets(sheets, output_format, severity.lower())
    chatty = verbose or sys.stderr.isatty()
    progress = (lambda message: sys.stderr.write(f"cubakg validate: {message}…\n")) if chatty else None
    outcome = validate(
        Options(paths=list(paths or []), input_format=input_format, shapes=list(shapes or []),
                with_graph=with_graph, severity=severity.lower(), keep_data=True),
        progress=progress,
    )
    from cubakg.cli import leave_at_exit

    leave_at_exit(outcome.dataset)  # freed by the operating system, not here (see cubakg.cli.program)
    outcome.dataset = None
    from cubakg.conformance.report import render

    report = render(outcome, output_format)
    sys.stdout.write(console.printable(report) if output_format == "text" else report)
    sys.stdout.flush()
    if output_format != "text":
        from cubakg.conformance.report import summary_line

        if verbose:
            sys.stderr.writelines(f"note: {note}\n" for note in outcome.notes)
        sys.stderr.write(summary_line(outcome) + "\n")
    return outcome.passes


SEVERITY_RANK = {"Violation": 3, "Warning": 2, "Info": 1}


def check_sheets(paths: list[str], output_format: str, severity: str) -> bool:
    """Each fact sheet checked as the build would; findings as `file:line: severity: message`."""
    import json
    from pathlib import Path

    from cubakg.build import check_sheet
    from cubakg.errors import UsageError

    if output_format == "turtle":
        raise UsageError("a fact sheet's check has no SHACL report", hint="use --format text or json")
    threshold = {"violation": 3, "warning": 2, "info": 1}.get(severity)
    if threshold is None:
        raise UsageError(f"unknown --severity {severity!r}", hint="use violation, warning or info")
    checks = [check_sheet(Path(path)) for path in paths]
    findings = [(check, finding) for check in checks for finding in check.findings]
    passes = all(SEVERITY_RANK.get(f.severity, 3) < threshold for _, f in findings)
    if output_format == "json":
        document = {"conforms": not findings, "passes": passes, "sheets": [
            {"path": str(check.path), "facts": check.facts,
             "findings": [{"location": f.location, "severity": f.severity, "message": f.message} for f in check.findings]}
            for check in checks]}
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
    else:
        for _check, finding in findings:
            sys.stdout.write(console.printable(f"{finding.location}: {finding.severity}: {finding.message}") + "\n")
    counts = {name: sum(1 for _, f in findings if f.severity == name) for name in SEVERITY_RANK}
    facts = sum(check.facts for check in checks)
    verdict = "passes" if passes else "does not pass"
    sys.stderr.write(f"{len(checks)} sheet(s), {facts} facts: {counts['Violation']} violations, "
                     f"{counts['Warning']} warnings — {verdict} (--severity {severity})\n")
    return passes
