#!/usr/bin/env python3
"""Golden transcripts: run blis and compare stdout, stderr and exit status with recorded files.

usage: run_golden.py BLIS TESTS_DIR [--update]

Each directory golden/cases/<name>/ holds `args` (one argument per line; the word BLIS_ROOT is
replaced by the repository root) and the expected `stdout`, `stderr` and `status`. Commands run
in the repository root. Every case also runs twice and must print byte-identical stdout
(determinism). golden/equivalent/<name> lists two case names whose stdout must be identical
(a scenario file and its `blis run` equivalent). --update rewrites the expectations.
Ends with 'N passed, N failed'.
"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from tally import Tally  # noqa: E402


def run(blis, root, args):
    args = [a.replace('BLIS_ROOT', root) for a in args]
    p = subprocess.run([blis] + args, cwd=root, capture_output=True, text=True, timeout=300)
    return p.stdout, p.stderr, p.returncode


def main():
    blis = os.path.abspath(sys.argv[1])
    tests = os.path.abspath(sys.argv[2])
    update = '--update' in sys.argv
    root = os.path.dirname(tests)
    cases_dir = os.path.join(tests, 'golden', 'cases')
    tally = Tally('golden')
    outputs = {}
    for name in sorted(os.listdir(cases_dir)):
        case = os.path.join(cases_dir, name)
        args = open(os.path.join(case, 'args')).read().splitlines()
        out, err, status = run(blis, root, args)
        outputs[name] = out
        if update:
            open(os.path.join(case, 'stdout'), 'w').write(out)
            open(os.path.join(case, 'stderr'), 'w').write(err)
            open(os.path.join(case, 'status'), 'w').write('%d\n' % status)
        problems = []
        if out != open(os.path.join(case, 'stdout')).read():
            problems.append('stdout differs')
        if err != open(os.path.join(case, 'stderr')).read():
            problems.append('stderr differs: %r' % err[-400:])
        if status != int(open(os.path.join(case, 'status')).read()):
            problems.append('exit status %d' % status)
        again, _, _ = run(blis, root, args)
        if again != out:
            problems.append('a second run printed different stdout (not deterministic)')
        tally.record(name, problems)
    equivalent_dir = os.path.join(tests, 'golden', 'equivalent')
    for name in sorted(os.listdir(equivalent_dir)):
        a, b = open(os.path.join(equivalent_dir, name)).read().split()
        same = outputs.get(a) is not None and outputs.get(a) == outputs.get(b) and bool(outputs.get(a))
        tally.record('equivalent ' + name, [] if same else ['%s and %s print different stdout' % (a, b)])
    tally.finish()


if __name__ == '__main__':
    main()
