"""``ucconf``: the command line of the conformance suite.

Exit codes follow one rule across commands: 0 success, 1 a finding (a check that failed),
2 a usage or infrastructure error. Errors are one readable line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

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
    differences = schemagen.differences(args.root)
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
    return 0


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except (OSError, ValueError) as error:
        print(f"ucconf {args.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("ucconf: interrupted", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
