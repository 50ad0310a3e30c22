"""A mutation spot check: does the suite notice when a module's logic is changed?

For one module, every comparison, boolean operator, boolean constant and small integer is
changed in turn (== → !=, < → <=, and → or, True → False, n → n + 1, `not x` → `x`); for
each such mutant the given tests run, and a mutant that no test fails "survives". The
surviving ones are printed, to be killed with a test or explained in docs/testing.md.

    .venv/bin/python scripts/mutation_spot_check.py enquiries/outbox.py \
        tests/enquiries/test_delivery.py tests/enquiries/test_worker.py

It rewrites the module in place and restores it afterwards: run it in a checkout of its own
(`git worktree add`), not in one you are editing. mutmut does this in general; this is the
few dozen lines a spot check of two modules needs, with no configuration of the project.
"""

import argparse
import ast
import copy
import subprocess
import sys
import time
from pathlib import Path

SWAPS = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


def sites(tree):
    """(node index in ast.walk order, description) of each place a mutant can be made."""
    for index, node in enumerate(ast.walk(tree)):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in SWAPS:
            yield index, f"{type(node.ops[0]).__name__} → {SWAPS[type(node.ops[0])].__name__}"
        elif isinstance(node, ast.BoolOp):
            yield index, "and ↔ or"
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            yield index, f"{node.value} → {not node.value}"
        elif isinstance(node, ast.Constant) and type(node.value) is int and node.value < 10_000:
            yield index, f"{node.value} → {node.value + 1}"
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            yield index, "not x → x"


def mutate(tree, target):
    tree = copy.deepcopy(tree)
    for index, node in enumerate(ast.walk(tree)):
        if index != target:
            continue
        if isinstance(node, ast.Compare):
            node.ops[0] = SWAPS[type(node.ops[0])]()
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            node.value = not node.value
        elif isinstance(node, ast.Constant):
            node.value += 1
        elif isinstance(node, ast.UnaryOp):
            return tree, node
        return tree, None
    raise LookupError(target)


class DropNot(ast.NodeTransformer):
    def __init__(self, target):
        self.target = target

    def visit_UnaryOp(self, node):
        if node is self.target:
            return node.operand
        return self.generic_visit(node)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("module")
    parser.add_argument("tests", nargs="+")
    parser.add_argument("--pytest", default=str(Path(sys.executable).parent / "pytest"))
    parser.add_argument(
        "--timeout",
        type=float,
        default=180,
        help="seconds; a mutant whose tests take longer (say, a retry loop that never ends) "
        "counts as killed, as in mutmut",
    )
    parser.add_argument(
        "--lines",
        default="",
        help="comma-separated line numbers: only the mutants there (to re-check survivors)",
    )
    args = parser.parse_args()
    only_lines = {int(number) for number in args.lines.split(",") if number}

    path = Path(args.module)
    original = path.read_text(encoding="utf-8")
    tree = ast.parse(original)
    nodes = list(ast.walk(tree))
    candidates = [
        (index, description, nodes[index])
        for index, description in sites(tree)
        if not only_lines or getattr(nodes[index], "lineno", None) in only_lines
    ]
    command = [args.pytest, "-x", "-q", "-p", "no:cacheprovider", *args.tests]
    # A mutant counts as killed when the tests fail: they must pass on the real module first.
    baseline = subprocess.run(command, capture_output=True, timeout=args.timeout)
    if baseline.returncode != 0:
        sys.exit(f"The tests fail on the unchanged module:\n{baseline.stdout.decode()[-3000:]}")
    survived, killed = [], 0
    started = time.monotonic()
    try:
        for index, description, node in candidates:
            mutant, drop = mutate(tree, index)
            if drop is not None:
                mutant = DropNot(drop).visit(mutant)
            path.write_text(ast.unparse(ast.fix_missing_locations(mutant)), encoding="utf-8")
            where = f"{path}:{node.lineno}: {description}"
            try:
                result = subprocess.run(command, capture_output=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                killed += 1
                print(f"killed   {where} (timed out)", flush=True)
                continue
            if result.returncode == 0:
                survived.append(where)
                print(f"SURVIVED {where}", flush=True)
            else:
                killed += 1
                print(f"killed   {where}", flush=True)
    finally:
        path.write_text(original, encoding="utf-8")
    total = killed + len(survived)
    minutes = (time.monotonic() - started) / 60
    print(
        f"\n{path}: {total} mutants, {killed} killed, {len(survived)} survived ({minutes:.1f} min)"
    )
    for where in survived:
        print(f"  survived: {where}")


if __name__ == "__main__":
    main()
