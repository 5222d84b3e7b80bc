#!/usr/bin/env python3
"""blis search (docs/planning.md) against the answers it must agree with, on the three test
problems of tests/lua/search/problems.lua:
  * problems a (fewest_gpus) and b (lowest_cost, two GPU types, prices): the same feasible set and
    the same best configuration as an exhaustive blis.experiment sweep over the same grid at the
    target rate, judged here independently (Student-t 95% bound across seeds, or the mean for c);
  * problem c (highest_rate): every configuration's knee brackets the knee a by-hand scan of the
    rates 4, 6, ..., 64 finds (the scan meets at every rate up to the knee's lower bound and fails
    from its upper bound on), within the requested 5%, and the best configuration is the one
    whose scanned knee is highest;
  * output independent of --jobs; --shard I/N + blis merge byte-identical to a one-machine run
    (stdout and --json), in either order of the shard files; `blis search` on a script that runs
    no search fails.

usage: run_search_tests.py BLIS TESTS_DIR [--sanitized]

--sanitized (the ASan+UBSan build) scans the knee of one configuration instead of all three and
leaves out the three-shard merge: the same code paths, a fraction of the runs.
Ends with 'N passed, N failed'.
"""
import csv
import json
import math
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.dont_write_bytecode = True  # no __pycache__ in the checkout
from tally import Tally  # noqa: E402
from workdir import linked_workdir  # noqa: E402

SCRIPT = 'tests/lua/search/problems.lua'
# Two-sided 95% Student t quantiles by degrees of freedom (as blis.experiment's).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]
# The problems' SLOs, as problems.lua states them: metric -> (limit, 'max' or 'min').
SLOS = {
    'a': {'ttft_ms.p99': (300, 'max'), 'attain': (0.9, 'min')},
    'b': {'e2e_ms.p99': (2500, 'max'), 'itl_ms.mean': (12, 'max')},
    'c': {'ttft_ms.mean': (100, 'max')},
}
PRICES = {'H100': 3, 'A100-80': 1.6}


def run(blis, root, args):
    p = subprocess.run([blis] + args, cwd=root, capture_output=True, text=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def bound(values, side):
    n = len(values)
    mean = sum(values) / n
    if n == 1:
        return mean
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    half = T975[n - 2] * sd / math.sqrt(n)
    return mean + half if side == 'max' else mean - half


def judge_rows(rows, slos, mean_only=False):
    """rows: the sweep's CSV rows of one configuration (one per seed) -> meets, mean of first metric."""
    if any(r['error'] for r in rows) or any(float(r['completed']) == 0 for r in rows):
        return False
    for metric, (limit, side) in slos.items():
        values = [float(r[metric]) for r in rows]
        b = sum(values) / len(values) if mean_only else bound(values, side)
        if (side == 'max' and not b <= limit) or (side == 'min' and not b >= limit):
            return False
    return True


def sweep(blis, root, tmp, problem, mode, extra=()):
    out = os.path.join(tmp, '%s-%s-%s.csv' % (problem, mode, '-'.join(extra)))
    status, _, err = run(blis, root, [SCRIPT, '--problem', problem, '--mode', mode, '--jobs', '2', '--csv', out]
                         + list(extra))
    if status != 0:
        raise RuntimeError('%s sweep of %s: exit %d: %s' % (mode, problem, status, err[-300:]))
    with open(out) as f:
        return list(csv.DictReader(f))


def config_key(row, knobs):
    return tuple(row[axis] for axis in knobs)


def check_exhaustive(blis, root, tmp, problem, search, check):
    rows = sweep(blis, root, tmp, problem, 'sweep')
    axes = sorted(search['configs'][0]['knobs'].keys())  # the sweep's axes are the knobs, by name
    knobs = {axis: axis for axis in axes}
    groups = {}
    for r in rows:
        groups.setdefault(tuple(r[a] for a in axes), []).append(r)
    by_labels = {}
    for c in search['configs']:
        by_labels[tuple(c['knobs'][knobs[a]] for a in axes)] = c
    problems = []
    feasible = {}
    for key, group in groups.items():
        meets = judge_rows(group, SLOS[problem])
        c = by_labels.get(key)
        if c is None:
            problems.append('the search has no configuration %s' % (key,))
            continue
        feasible[key] = (meets, c)
        if c['feasible'] != meets:
            problems.append('%s: search says feasible=%s, the exhaustive sweep %s' % (key, c['feasible'], meets))
    if len(feasible) != len(search['configs']):
        problems.append('%d configurations swept, %d searched' % (len(feasible), len(search['configs'])))
    # The exhaustive minimum, by the objective: GPUs (then cost) or cost (then GPUs).
    def gpus(key):
        labels = dict(zip([knobs[a] for a in axes], key))
        return int(labels.get('instances', 1)) * int(labels.get('tp', 1))
    def cost(key):
        labels = dict(zip([knobs[a] for a in axes], key))
        return gpus(key) * (PRICES[labels['gpu']] if 'gpu' in labels else 2.99)
    ok = [k for k, (m, _) in feasible.items() if m]
    objective = search['objective']
    keyfn = (lambda k: (gpus(k), cost(k))) if objective == 'fewest_gpus' else (lambda k: (cost(k), gpus(k)))
    best_value = min(keyfn(k) for k in ok) if ok else None
    if not search['best']:
        if ok:
            problems.append('the search found nothing feasible; the sweep found %s' % ok)
    else:
        chosen = search['configs'][search['best'][0]]
        ck = tuple(chosen['knobs'][knobs[a]] for a in axes)
        if keyfn(ck) != best_value:
            problems.append('search best %s has %s, the exhaustive minimum is %s' % (ck, keyfn(ck), best_value))
        if abs(chosen['usd_per_hour'] - cost(ck)) > 1e-9:
            problems.append('cost of %s: search %s, expected %s' % (ck, chosen['usd_per_hour'], cost(ck)))
    check('problem %s: the same feasible set and minimum (%s) as the exhaustive sweep' % (problem, best_value), problems)


def check_knee(blis, root, tmp, search, configs, check):
    """The scanned knee of each configuration in `configs`, by index."""
    scans = {}
    for index in configs:
        c = search['configs'][index]
        rows = sweep(blis, root, tmp, 'c', 'scan', ['--config', str(index)])
        by_rate = {}
        for r in rows:
            by_rate.setdefault(float(r['rate']), []).append(r)
        verdict = {rate: judge_rows(g, SLOS['c'], mean_only=True) for rate, g in by_rate.items()}
        low, high = c['knee']['rate_per_s'], c['knee']['fails_at_rate_per_s']
        problems = []
        if c['knee']['status'] == 'above_range':  # meets at every scanned rate
            if not all(verdict.values()):
                problems.append('the search says it meets up to 64, the scan fails at %s' %
                                sorted(r for r, m in verdict.items() if not m)[:5])
            scans[index] = max(verdict)
        elif c['knee']['status'] != 'bracketed':
            problems.append('knee status %s' % c['knee']['status'])
        else:
            wrong = [r for r, m in verdict.items() if (r <= low and not m) or (r >= high and m)]
            if wrong:
                problems.append('the scan disagrees with the bracket [%g, %g) at rates %s' % (low, high, sorted(wrong)[:5]))
            scanned = max((r for r, m in verdict.items() if m), default=None)
            if scanned is None or not (low - 2 <= scanned < high):  # the scan's step is 2 req/s
                problems.append('scanned knee %s outside [%g - 2, %g)' % (scanned, low, high))
            if high - low > 0.05 * low + 1e-12:
                problems.append('bracket [%g, %g) wider than 5%%' % (low, high))
            scans[index] = scanned
        check('problem c: knee of %s is %s (< %s), as a by-hand scan finds within 5%%' %
              (json.dumps(c['knobs']), low, high), problems)
    return scans


def run_all(blis, root, sanitized):
    tally = Tally('search')
    check = tally.record
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for problem in ('a', 'b', 'c'):
            j1 = os.path.join(tmp, problem + '-1.json')
            j2 = os.path.join(tmp, problem + '-2.json')
            # --jobs 1 against 2 on the cheap problems; b's shards are checked against its run below.
            s1, out1, err1 = run(blis, root, ['search', SCRIPT, '--problem', problem, '--jobs', '2', '--json', j1])
            s2, out2, err2 = s1, out1, err1
            if problem != 'b':
                s2, out2, err2 = run(blis, root, [SCRIPT, '--problem', problem, '--jobs', '1', '--json', j2])
            else:
                j2 = j1
            problems = []
            if s1 != 0 or s2 != 0:
                problems.append('exit %d / %d: %s' % (s1, s2, (err1 or err2)[-300:]))
            elif out1 != out2 or open(j1).read() != open(j2).read():
                problems.append('--jobs 1 and --jobs 2 differ')
            check('problem %s: runs%s' % (problem, '' if problem == 'b' else
                                             ', the same output for --jobs 2 and 1 (blis search and blis SCRIPT)'),
                  problems)
            if s1 == 0:
                results[problem] = (out1, j1, json.load(open(j1)))
        for problem in ('a', 'b'):
            if problem in results:
                check_exhaustive(blis, root, tmp, problem, results[problem][2], check)
        if 'c' in results:
            search = results['c'][2]
            configs = [search['best'][0]] if sanitized else list(range(len(search['configs'])))
            scans = check_knee(blis, root, tmp, search, configs, check)
            if not sanitized and scans:
                # Equal at the scan's resolution counts as a tie the search may break either way.
                best = search['best'][0]
                check('problem c: the highest knee is one the scans find highest',
                      [] if scans.get(best) == max(scans.values()) else
                      ['search best is configuration %d (scanned knee %s), the scans find %s' %
                       (best, scans.get(best), scans)])
        # Shards and merge: byte-identical to the one-machine run.
        for problem, shards in (('b', 2), ('c', 3)):
            if problem not in results or (sanitized and shards == 3):
                continue
            files = []
            problems = []
            for i in range(shards):
                f = os.path.join(tmp, '%s-shard-%d.json' % (problem, i))
                status, _, err = run(blis, root, ['search', SCRIPT, '--problem', problem, '--shard', '%d/%d' % (i, shards),
                                                  '--shard-out', f, '--jobs', '2'])
                if status != 0:
                    problems.append('shard %d: exit %d: %s' % (i, status, err[-300:]))
                files.append(f)
            if not problems:
                merged_json = os.path.join(tmp, problem + '-merged.json')
                status, out, err = run(blis, root, ['merge'] + files[::-1] + ['--json', merged_json])
                if status != 0:
                    problems.append('merge: exit %d: %s' % (status, err[-300:]))
                elif out != results[problem][0]:
                    problems.append('merged stdout differs from the one-machine run')
                elif open(merged_json).read() != open(results[problem][1]).read():
                    problems.append('merged --json differs from the one-machine run')
                status, _, err = run(blis, root, ['merge'] + files[1:])
                if status != 1 or 'shard 0/%d is missing' % shards not in err:
                    problems.append('a missing shard: exit %d, %s' % (status, err.strip()[-200:]))
                # A result moved to another shard's file: refused, naming the file and the key.
                forged = os.path.join(tmp, '%s-forged.json' % problem)
                with open(files[0]) as f, open(forged, 'w') as g:
                    g.write(f.read().replace('"description": "config 0 (', '"description": "config 1 (', 1))
                status, _, err = run(blis, root, ['merge', forged] + files[1:])
                if status != 1 or 'results[0].description' not in err or 'not in shard 0/%d' % shards not in err:
                    problems.append('a result in the wrong shard: exit %d, %s' % (status, err.strip()[-200:]))
            check('problem %s: --shard I/%d + blis merge prints what one machine does' % (problem, shards), problems)
        status, _, err = run(blis, root, ['search', 'scenarios/quickstart.lua'])
        check('blis search refuses a script that runs no search',
              [] if status == 1 and 'runs no blis.search' in err else ['exit %d: %s' % (status, err.strip())])
    tally.finish()


def main():
    blis = os.path.abspath(sys.argv[1])
    checkout = os.path.dirname(os.path.abspath(sys.argv[2]))
    with linked_workdir(checkout) as root:
        run_all(blis, root, sanitized='--sanitized' in sys.argv[3:])


if __name__ == '__main__':
    main()
