"""What the Python checkers in tests/consumers/ share: reading the report directory, collecting
problems, and failing loudly (never passing) when a validator is missing."""

import os
import sys

SETUP = "scripts/setup-validators.sh"
HERE = os.path.dirname(os.path.abspath(__file__))
NODE_PREFIX = os.environ.get("MSGREADY_NODE_PREFIX", "/var/tmp/msgready-node")

# Exit codes of every checker: 0 the consumer accepts the report, 1 it would reject, drop or
# misread it (the problems are listed), 2 the check could not run (tool or file missing).
OK, PROBLEMS, CANNOT_RUN = 0, 1, 2


def cannot_run(name, why):
    print(f"{name}: CANNOT RUN: {why}", file=sys.stderr)
    sys.exit(CANNOT_RUN)


def missing_tool(name, tool):
    cannot_run(name, f"{tool} is not installed; run {SETUP} (after scripts/setup-test-env.sh)")


def report_file(name, argv, filename):
    if len(argv) < 2:
        cannot_run(name, f"usage: {os.path.basename(argv[0])} REPORT_DIR")
    path = os.path.join(argv[1], filename)
    if not os.path.isfile(path):
        cannot_run(name, f"{path} does not exist (run msgready evaluate with this format)")
    return path


class Problems:
    def __init__(self, name):
        self.name = name
        self.items = []
        self.notes = []

    def add(self, text):
        self.items.append(text)

    def note(self, text):
        """Worth knowing, but no consumer rejects or misreads the report for it."""
        self.notes.append(text)

    def finish(self, what):
        for n in self.notes:
            print(f"{self.name}: note: {n}")
        if self.items:
            print(f"{self.name}: FAIL: {len(self.items)} problem(s) in {what}")
            for p in self.items:
                print(f"  - {p}")
            sys.exit(PROBLEMS)
        print(f"{self.name}: ok: {what}")
        sys.exit(OK)


def run(name, main):
    """Runs a checker; a crash of the checker itself is 'cannot run', never a verdict."""
    try:
        main(sys.argv)
    except SystemExit:
        raise
    except Exception:
        import traceback

        traceback.print_exc()
        cannot_run(name, "the checker crashed (above); its verdict is unknown")
