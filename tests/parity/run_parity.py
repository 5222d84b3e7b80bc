#!/usr/bin/env python3
"""Parity test: run `blis` over cases recorded from the reference and compare.

usage: run_parity.py BLIS FIXTURES_DIR [-k SUBSTRING]

FIXTURES_DIR holds reference/ (the working directory every case ran in) and parity/cases/.
A case passes when the exit status agrees (zero vs non-zero; a non-zero exit must come with a
message on stderr), stdout agrees line by line with numbers equal to a relative 1e-9, and the
results file (if the case has results.json) agrees as JSON in key order, list order and value.
Every case runs; -k runs the cases whose name contains SUBSTRING.
Ends with the line 'N passed, N failed' and exits non-zero if any case failed.
"""
import json
import math
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402
from workdir import linked_workdir  # noqa: E402

NUMBER = re.compile(r'-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?Inf|NaN')


def numbers_close(a, b):
    if a == b:
        return True
    try:
        x, y = float(a), float(b)
    except ValueError:
        return False
    if math.isnan(x) and math.isnan(y):
        return True
    return abs(x - y) <= 1e-9 * max(abs(x), abs(y)) + 1e-12


def lines_match(got, want):
    if NUMBER.sub('#', got) != NUMBER.sub('#', want):
        return False
    return all(numbers_close(x, y) for x, y in zip(NUMBER.findall(got), NUMBER.findall(want)))


def json_difference(got, want, path='$'):
    if isinstance(got, dict) and isinstance(want, dict):
        if list(got) != list(want):
            return '%s: keys %s, reference %s' % (path, list(got)[:8], list(want)[:8])
        for key in got:
            d = json_difference(got[key], want[key], path + '.' + key)
            if d:
                return d
        return None
    if isinstance(got, list) and isinstance(want, list):
        if len(got) != len(want):
            return '%s: %d items, reference %d' % (path, len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            d = json_difference(g, w, '%s[%d]' % (path, i))
            if d:
                return d
        return None
    numeric = (int, float)
    if isinstance(got, numeric) and isinstance(want, numeric) and not isinstance(got, bool):
        return None if numbers_close(got, want) else '%s: %r, reference %r' % (path, got, want)
    return None if got == want else '%s: %r, reference %r' % (path, got, want)


def check_case(blis, case_dir, reference_dir):
    args = open(os.path.join(case_dir, 'args')).read().splitlines()
    want_stdout = open(os.path.join(case_dir, 'stdout')).read()
    want_status = int(open(os.path.join(case_dir, 'exit_code')).read().strip())
    with linked_workdir(reference_dir, with_siblings=True) as workdir:
        results = os.path.join(workdir, 'results-of-blis.json')
        args = [results if a == 'RESULTS_PATH' else a for a in args]
        try:
            proc = subprocess.run([blis] + args, cwd=workdir, capture_output=True, text=True, timeout=300)
        except subprocess.TimeoutExpired:
            return 'timed out after 300 s'
        return compare(proc, case_dir, want_stdout, want_status, results)


def compare(proc, case_dir, want_stdout, want_status, results):
    """None when blis agrees with the reference, else what differs."""
    if (proc.returncode == 0) != (want_status == 0):
        return 'exit status %d, reference %d; stderr: %s' % (proc.returncode, want_status, proc.stderr.strip()[-300:])
    if want_status != 0:
        return None if proc.stderr.strip() else 'exit status %d without a message on stderr' % proc.returncode
    got_lines, want_lines = proc.stdout.splitlines(), want_stdout.splitlines()
    for i in range(max(len(got_lines), len(want_lines))):
        g = got_lines[i] if i < len(got_lines) else '<missing>'
        w = want_lines[i] if i < len(want_lines) else '<missing>'
        if not lines_match(g, w):
            return 'stdout line %d: %r, reference %r' % (i + 1, g, w)
    want_results = os.path.join(case_dir, 'results.json')
    if os.path.exists(want_results):
        if not os.path.exists(results):
            return 'no results file written'
        try:
            d = json_difference(json.load(open(results)), json.load(open(want_results)))
        except ValueError as e:
            return 'results file is not JSON: %s' % e
        if d:
            return 'results file ' + d
    return None


def main():
    argv = sys.argv[1:]
    only = None
    if '-k' in argv:
        i = argv.index('-k')
        only = argv[i + 1]
        del argv[i:i + 2]
    blis = os.path.abspath(argv[0])
    fixtures = os.path.abspath(argv[1])
    cases_root = os.path.join(fixtures, 'parity', 'cases')
    workdir = os.path.join(fixtures, 'reference')
    tally = Tally('parity')
    for name in sorted(os.listdir(cases_root)):
        if only and only not in name:
            continue
        case_dir = os.path.join(cases_root, name)
        problem = check_case(blis, case_dir, workdir)
        tally.record(name, [problem] if problem else [])
    tally.finish()


if __name__ == '__main__':
    main()
