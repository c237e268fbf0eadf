"""``ucconf``: the command line of the conformance suite.

Exit codes follow one rule across commands: 0 success, 1 a finding (a check that failed),
2 a usage or infrastructure error. Errors are one readable line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from conformance import schemagen


def _schemas_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    changed = schemagen.build(args.root)
    elapsed = time.perf_counter() - started
    for line in changed:
        print(line)
    print(f"schemas: {len(changed)} file(s) updated in {args.root} ({elapsed:.1f} s)")
    return 0


def _schemas_check(args: argparse.Namespace) -> int:
    try:
        differences = schemagen.differences(args.root)
    except ValueError as error:  # an operation the effect rules cannot classify, for one
        print(f"schemas: {error}", file=sys.stderr)
        return 1
    for line in differences:
        print(line)
    if differences:
        print(
            f"schemas: {len(differences)} file(s) differ from the generator's output; "
            "run 'ucconf schemas build'",
            file=sys.stderr,
        )
        return 1
    print(f"schemas: {args.root} matches the generator's output")
    from conformance.catalog import Catalog

    unmatched = Catalog.load(args.root).unmatched_operation_ids
    if unmatched:
        listed = ", ".join(f"{name} {number}" for name, number in unmatched.items())
        print(f"schemas: {len(unmatched)} OPID_ numbers name no operation section: {listed}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Run the reference server until Ctrl-C (imports aiohttp only when asked to serve)."""
    from conformance.catalog import default_catalog
    from conformance.errors import ProfileError
    from conformance.profile import EMBEDDED_PROFILE, load_profile
    from conformance.reference import ReferenceServer

    try:
        profile = load_profile(args.profile or EMBEDDED_PROFILE)
    except ProfileError as error:
        print(f"ucconf serve: {error}", file=sys.stderr)
        return 2
    try:
        server = ReferenceServer(
            profile,
            host=args.host,
            port=args.port,
            faults=args.fault,
            variations=args.variation,
            latency=args.latency / 1000,
        )
    except ValueError as error:  # an unknown fault or variation: the message lists the known
        print(f"ucconf serve: {error}", file=sys.stderr)
        return 2
    operations = {op.name for op in default_catalog().operations(kind="operation")}
    modelled = sorted(operations & server.modelled_operations())
    synthesised = sorted(operations - server.modelled_operations())
    if args.list_operations:
        for title, names in (("modelled", modelled), ("synthesised", synthesised)):
            print(f"{title} ({len(names)}):")
            for name in names:
                print(f"  {name}")
        return 0
    server.start()
    try:
        print(f"reference server listening on {server.url}", flush=True)
        print(f"ucsid: {server.ucsid}  profile: {profile.path}", flush=True)
        print(
            f"operations: {len(modelled)} modelled, {len(synthesised)} synthesised "
            f"(of {len(operations)}; --list-operations names them)",
            flush=True,
        )
        if server.faults:
            print(f"faults on: {', '.join(sorted(server.faults))}", flush=True)
        if server.variations:
            print(f"variations on: {', '.join(sorted(server.variations))}", flush=True)
        print("press Ctrl-C to stop", flush=True)
        with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is the way to stop
            threading.Event().wait()
    finally:
        server.stop()
    for bug in server.internal_errors:
        print(f"ucconf serve: reference server bug: {bug}", file=sys.stderr)
    print("reference server stopped", flush=True)
    return 0


def _add_serve_command(commands: Any) -> None:
    summary = "run the reference server (the embedded target) until Ctrl-C"
    serve = commands.add_parser("serve", help=summary, description=summary)
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (%(default)s)")
    serve.add_argument(
        "--port", type=int, default=7224, help="port; 0 picks a free one (%(default)s)"
    )
    serve.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="target profile (default: profiles/embedded.toml)",
    )
    serve.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a deliberate fault (repeatable; an unknown name lists the known ones)",
    )
    serve.add_argument(
        "--variation",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a variation the document allows (repeatable; ucconf variations)",
    )
    serve.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="hold every HTTP request and every frame the server sends MS milliseconds, "
        "in order, as a relay across a network would (default: 0)",
    )
    serve.add_argument(
        "--list-operations",
        action="store_true",
        help="print which operations are modelled and which synthesised, then exit",
    )
    serve.set_defaults(handler=_serve)


def _run(args: argparse.Namespace) -> int:
    from conformance.run import RunError, RunOptions, report_lines, run

    extra = list(args.pytest_args)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    options = RunOptions(
        target=args.target,
        profile=args.profile,
        ucsid=args.ucsid,
        modules=tuple(args.module),
        suites=tuple(args.suite),
        workers=args.workers,
        timeout_factor=args.timeout_factor,
        strict_schemas=args.strict_schemas,
        faults=tuple(args.fault),
        variations=tuple(args.variation),
        latency=args.latency / 1000,
        reports=args.reports,
        expect_failures=args.expect_failures,
        pytest_args=tuple(extra),
        allow_destructive=args.allow_destructive,
    )
    try:
        result = run(options)
    except RunError as error:
        print(f"ucconf run: {error}", file=sys.stderr)
        return 2
    print("\n".join(report_lines(result)))
    return result.exit_code


def _plan(args: argparse.Namespace) -> int:
    from conformance.plan import make_plan, plan_json, render_plan
    from conformance.run import RunError

    try:
        plan = make_plan(
            target=args.target,
            profile=args.profile,
            modules=tuple(args.module),
            allow_destructive=args.allow_destructive,
        )
    except RunError as error:
        print(f"ucconf plan: {error}", file=sys.stderr)
        return 2
    print(plan_json(plan) if args.json else render_plan(plan))
    return 0


def _add_plan_command(commands: Any) -> None:
    summary = (
        "list, without touching the network, every test a run would run, the operations it "
        "would send with their effect classes, and what it would skip and why"
    )
    plan = commands.add_parser("plan", help=summary, description=summary)
    plan.add_argument("--target", metavar="URL", help="server under test (default: the profile's)")
    plan.add_argument(
        "--profile", type=Path, metavar="FILE", help="target profile (passwords not needed)"
    )
    plan.add_argument(
        "--module", action="append", default=[], metavar="NAME", help="only suites/NAME"
    )
    plan.add_argument("--allow-destructive", action="store_true", help="as for ucconf run")
    plan.add_argument("--json", action="store_true", help="the plan as JSON, for CI")
    plan.set_defaults(handler=_plan)


def _add_run_command(commands: Any) -> None:
    summary = "run the conformance suites against a target and write a report"
    run = commands.add_parser("run", help=summary, description=summary)
    run.add_argument("--target", metavar="URL", help="server under test (default: embedded)")
    run.add_argument("--profile", type=Path, metavar="FILE", help="target profile (TOML)")
    run.add_argument("--ucsid", help="UCSID to address (default: the profile's)")
    run.add_argument(
        "--module", action="append", default=[], metavar="NAME", help="only suites/NAME"
    )
    run.add_argument("--suite", action="append", default=[], metavar="PATH", help="a test path")
    run.add_argument(
        "-n", "--workers", default="auto", help="pytest-xdist workers (default: auto; 0: none)"
    )
    run.add_argument("--timeout-factor", type=float, default=1.0, metavar="F")
    run.add_argument("--strict-schemas", action="store_true")
    run.add_argument(
        "--allow-destructive",
        action="store_true",
        help="with --target: send destructive operations too, if the profile's [safety] allow "
        'lists "destructive"',
    )
    run.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help="embedded target only"
    )
    run.add_argument(
        "--variation", action="append", default=[], metavar="NAME", help="embedded target only"
    )
    run.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="MS",
        help="embedded target only: hold every HTTP request and every frame the server sends "
        "MS milliseconds, in order, as a relay across a network would (default: 0)",
    )
    run.add_argument(
        "--reports", type=Path, default=Path("reports"), help="report folder (default: reports)"
    )
    run.add_argument(
        "--expect-failures",
        type=Path,
        metavar="FILE",
        help="known failures (TOML [[expected]] test + reason): run, but outside the verdict",
    )
    run.add_argument("pytest_args", nargs=argparse.REMAINDER, help="-- extra pytest arguments")
    run.set_defaults(handler=_run)


def _catalog(args: argparse.Namespace) -> int:
    from conformance.catalog import default_catalog

    catalog = default_catalog()
    query = (args.query or "").lower()
    if not query:
        for module in catalog.modules():
            ops = catalog.operations(module=module.name)
            events = sum(op.is_event for op in ops)
            print(
                f"{module.name:22} chapter {module.chapter:>2}  "
                f"{len(ops) - events:3} operations {events:3} events  ids {module.operation_ids}"
            )
        return 0
    found = 0
    for op in catalog.operations():
        if query in op.name.lower() or query == op.module.lower():
            found += 1
            types = f"{op.argument} -> {op.result}" if not op.is_event else op.argument
            flag = " (deprecated)" if op.deprecated else ""
            print(f"{op.kind:9} {op.name:45} {op.section:8} {op.module:18} {types}{flag}")
    for name in catalog.type_names():
        if query in name.lower():
            found += 1
            info = catalog.type_info(name)
            print(f"type      {name:45} {info.section:8} {info.module:18} {info.kind}")
    if not found:
        print(f"nothing in the catalogue matches {args.query!r}", file=sys.stderr)
        return 1
    return 0


def _diff(args: argparse.Namespace) -> int:
    from conformance.compare import compare_runs, render_comparison

    comparison = compare_runs(args.before, args.after)
    print(render_comparison(comparison))
    return 1 if comparison.has_regression else 0


def _report(args: argparse.Namespace) -> int:
    import shutil
    import subprocess

    folder = args.folder or _latest_report(args.reports)
    results = folder / "allure-results"
    if not results.is_dir():
        print(f"ucconf report: {folder} holds no allure-results/", file=sys.stderr)
        return 2
    allure = shutil.which("allure")
    if allure is None:
        print(
            "ucconf report: the 'allure' command is not installed; install it with "
            "'npm install -g allure' (needs Node.js) and run this again. The plain summaries "
            f"are in {folder / 'summary.md'} and {folder / 'summary.json'}.",
            file=sys.stderr,
        )
        return 2
    output = folder / "allure-report"
    shutil.rmtree(output, ignore_errors=True)  # a fresh report, not one merged with the last
    try:
        completed = subprocess.run(
            [allure, "generate", str(results), "-o", str(output)],
            check=False,
            capture_output=True,
            text=True,
            timeout=300,
        )
    except subprocess.TimeoutExpired:
        print("ucconf report: allure generate did not finish within 300 s", file=sys.stderr)
        return 2
    if completed.returncode != 0 or not (output / "index.html").exists():
        last = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        print(f"ucconf report: allure generate failed: {last[0]}", file=sys.stderr)
        return 2
    print(f"report: {output / 'index.html'}")
    return 0


def _latest_report(reports: Path) -> Path:
    folders = sorted(p for p in reports.glob("*") if (p / "allure-results").is_dir())
    if not folders:
        raise FileNotFoundError(f"no report folders in {reports} (run 'ucconf run' first)")
    return folders[-1]


def _add_report_commands(commands: Any) -> None:
    catalog = commands.add_parser("catalog", help="list modules, or operations and types")
    catalog.add_argument("query", nargs="?", help="a name fragment or a module name")
    catalog.set_defaults(handler=_catalog)

    diff = commands.add_parser("diff", help="compare two report folders; exit 1 on regression")
    diff.add_argument("before", type=Path, metavar="A")
    diff.add_argument("after", type=Path, metavar="B")
    diff.set_defaults(handler=_diff)

    report = commands.add_parser("report", help="render the Allure HTML report of a run")
    report.add_argument("folder", type=Path, nargs="?", help="report folder (default: latest)")
    report.add_argument("--reports", type=Path, default=Path("reports"))
    report.set_defaults(handler=_report)


def _faults_list(args: argparse.Namespace) -> int:
    from conformance.reference.faults import FAULTS

    width = max(len(name) for name in FAULTS)
    for name, fault in sorted(FAULTS.items()):
        print(f"{name.ljust(width)}  {len(fault.breaks):4d}  {fault.description}")
    print(f"{len(FAULTS)} faults (name, tests it must break, what the server does wrong)")
    return 0


def _faults_check(args: argparse.Namespace) -> int:
    from conformance import faultcheck
    from conformance.reference.faults import FAULTS

    unknown = [name for name in args.names if name not in FAULTS]
    if unknown:
        print(
            f"ucconf faults check: unknown fault {unknown[0]!r} (ucconf faults lists them)",
            file=sys.stderr,
        )
        return 2
    result = faultcheck.check(args.names or None, workers=args.workers)
    print(faultcheck.render_matrix(result))
    if not args.names and result.never_failed:
        print(f"tests no fault breaks: {', '.join(result.never_failed)}")
    return 0 if result.ok else 1


def _add_faults_commands(commands: Any) -> None:
    summary = "list the reference server's named faults"
    faults = commands.add_parser("faults", help=summary, description=summary)
    faults.set_defaults(handler=_faults_list)
    sub = faults.add_subparsers(dest="faults_command")
    summary = "run the suites with each fault on and print the kill matrix (exit 1: not caught)"
    check = sub.add_parser("check", help=summary, description=summary)
    check.add_argument("names", nargs="*", metavar="NAME", help="faults to check (default: all)")
    check.add_argument(
        "-n", "--workers", type=int, default=None, help="runs at once (default: CPU cores)"
    )
    check.set_defaults(handler=_faults_check)


def _variations_list(args: argparse.Namespace) -> int:
    from conformance.reference.variations import VARIATIONS

    if not VARIATIONS:
        print("0 variations")
        return 0
    width = max(len(name) for name in VARIATIONS)
    for name, found in sorted(VARIATIONS.items()):
        where = ", ".join(f"L{line}" for line in found.lines) or found.source
        print(f"{name.ljust(width)}  {found.description} ({where})")
    print(f"{len(VARIATIONS)} variations (name, what the server does, what allows it)")
    return 0


def _add_variations_commands(commands: Any) -> None:
    summary = "list the reference server's variations (behaviours the document allows)"
    variations = commands.add_parser("variations", help=summary, description=summary)
    variations.set_defaults(handler=_variations_list)
    sub = variations.add_subparsers(dest="variations_command")
    summary = "run the suites with each variation on and print the pass matrix (exit 1: a fail)"
    check = sub.add_parser("check", help=summary, description=summary)
    check.add_argument(
        "names", nargs="*", metavar="NAME", help="variations to check (default: all)"
    )
    check.add_argument(
        "-n", "--workers", type=int, default=None, help="runs at once (default: CPU cores)"
    )
    check.set_defaults(handler=_variations_check)


def _variations_check(args: argparse.Namespace) -> int:
    from conformance import variationcheck

    try:
        result = variationcheck.check(args.names or None, workers=args.workers)
    except ValueError as error:
        print(f"ucconf variations check: {error}", file=sys.stderr)
        return 2
    print(variationcheck.render_matrix(result))
    return 0 if result.ok else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ucconf",
        description="Conformance suite for the estos UCServer Client Access Protocol.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    schemas = commands.add_parser("schemas", help="generate or check the JSON Schemas")
    schema_commands = schemas.add_subparsers(dest="schemas_command", required=True)
    for name, handler, summary in (
        ("build", _schemas_build, "regenerate schemas/ from the protocol document"),
        ("check", _schemas_check, "exit 1 if schemas/ differs from what build would write"),
    ):
        sub = schema_commands.add_parser(name, help=summary, description=summary)
        sub.add_argument(
            "--root",
            type=Path,
            default=schemagen.ROOT,
            help="the schemas folder (default: %(default)s)",
        )
        sub.set_defaults(handler=handler)
    _add_run_command(commands)
    _add_plan_command(commands)
    _add_serve_command(commands)
    _add_report_commands(commands)
    _add_faults_commands(commands)
    _add_variations_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except BrokenPipeError:  # output piped into head(1) and the like
        return 0
    except (OSError, ValueError) as error:
        print(f"ucconf {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ucconf: interrupted", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
