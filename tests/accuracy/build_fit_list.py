#!/usr/bin/env python3
"""Write a `blis fit` experiment list (docs/latency-models.md, "Fitting your own coefficients")
for the real experiments of the accuracy suite that the physics latency model can run.

usage: build_fit_list.py OUTDIR [--only TEXT]... [--skip TEXT]... [--source A|B|C]...
                         [--fit NAME,NAME...] [--metrics NAME,NAME...] [--start FILE]
                         [--stage-seconds S] [--objective squared|absolute] [--no-requests]
  OUTDIR         created if needed: OUTDIR/fit.lua (the list) and one folder per experiment with
                 the workload files its blis command reads
  --only TEXT    only experiments whose id contains TEXT (repeatable)
  --skip TEXT    leave out experiments whose id contains TEXT (repeatable)
  --source S     only experiments of source S (A, B or C; repeatable)
  --fit LIST     the coefficients that move (the list's `fit`; default: blis fit's default)
  --metrics LIST the metrics of the objective (the list's `metrics`; default: blis fit's default)
  --start FILE   the coefficient file the search starts from (absolute, or relative to OUTDIR)
  --objective O  the list's objective (blis fit's default: squared)
  --no-requests  leave the C_ runs' per-request measurements out (their whole-run figures stay)
  --stage-seconds S  shorten every inference-perf stage to at most S seconds (the real runs' stages
                 last 600 s at a constant rate: their figures are steady-state ones, which a
                 shorter stage reproduces at a fraction of the simulation time)

Each experiment is the accuracy suite's own blis command for the physics model (acc_commands.py,
so the fit simulates exactly what run_accuracy.py scores) without the flags `blis fit` sets itself
(--latency-model, --compat, --results-path), its real measurements in ms (whole run and per
inference-perf stage; C_ runs also per request) and its model as the group, so that
`blis fit --cv` leaves one model out at a time.
"""
import os
import re
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import acc_commands  # noqa: E402
import acc_fixtures  # noqa: E402

# what blis fit sets for every run itself: (flag, takes a value)
FIT_OWNED_FLAGS = {'--latency-model': True, '--compat': True, '--results-path': True}
# real metrics that are latencies (requests_count and the per-request error figures are not)
LATENCIES = ('ttft', 'tpot', 'itl', 'e2e')
# The A_ runs' ITL and TPOT are those of the HTTP stream's chunks, not of tokens: in all 16 runs
# itl_mean is (E2E mean - TTFT mean) / (output_len - 1) / 2.01 (vLLM 0.15.1 sent two chunks per
# token), while the trainval13 table's itl_mean is close to per token (ratio 0.98-1.00 for 11 of
# its 13 runs, 0.77-0.79 for its two Llama-2-7B runs).
# A simulator of tokens cannot be fitted to them; their E2E and TTFT are what these runs measure.
CHUNK_TIMED = {'A': ('itl', 'tpot')}


def lua_string(s):
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def fit_args(cmd, outdir):
    """the blis run flags of `cmd` (['blis', 'run', ...]) without the fit-owned ones, paths under
    OUTDIR made relative to it (the list's folder, which blis fit resolves them against)"""
    args, i = [], 2
    while i < len(cmd):
        a = cmd[i]
        if a in FIT_OWNED_FLAGS:
            i += 2 if FIT_OWNED_FLAGS[a] else 1
            continue
        if os.path.isabs(a) and a.startswith(outdir + os.sep):
            a = os.path.relpath(a, outdir)
        args.append(a)
        i += 1
    return args


def latency_metrics(values, source):
    return {m: v for m, v in sorted(values.items())
            if m.split('_')[0] in LATENCIES and m.split('_')[0] not in CHUNK_TIMED.get(source, ())
            and not m.split('_', 1)[1].startswith(('request', 'mape', 'ape'))}


def metrics_table(values, source, indent):
    pad = ' ' * indent
    return '{\n' + ''.join('%s  %s = %r,\n' % (pad, m, float(v))
                           for m, v in latency_metrics(values, source).items()) + pad + '}'


def shorten_stages(workdir, seconds):
    path = os.path.join(workdir, 'workload.yaml')
    if seconds is None or not os.path.exists(path):
        return
    with open(path) as f:
        text = f.read()
    text = re.sub(r'duration: (\d+)', lambda m: 'duration: %d' % min(int(m.group(1)), seconds), text)
    with open(path, 'w') as f:
        f.write(text)


def experiment_entry(exp, outdir, stage_seconds=None, per_request=True):
    slug = exp['id'].replace('/', '_')
    workdir = os.path.join(outdir, slug)
    os.makedirs(workdir, exist_ok=True)
    cmd = acc_commands.blis_command('blis', exp, 'physics', workdir, 'unused.json')
    shorten_stages(workdir, stage_seconds)
    real, _, real_requests = acc_fixtures.real_and_peers(exp)
    lines = ['  {', '    name = %s,' % lua_string(exp['id']), '    group = %s,' % lua_string(exp['model']),
             '    args = { %s },' % ', '.join(lua_string(a) for a in fit_args(cmd, outdir)),
             '    observed = {', '      summary = %s,' % metrics_table(real['summary'], exp['source'], 6)]
    stages = sorted((int(k), v) for k, v in real.items() if k != 'summary')
    if stages:
        lines.append('      stages = {')
        lines += ['        [%d] = %s,' % (k, metrics_table(v, exp['source'], 8)) for k, v in stages]
        lines.append('      },')
    if real_requests and per_request:
        lines.append('      requests = {')
        lines += ['        { id = %s, ttft = %r, e2e = %r, tpot = %r },' % (lua_string(str(i)), r['ttft'], r['e2e'], r['tpot'])
                  for i, r in sorted(real_requests.items())]
        lines.append('      },')
    lines += ['    },', '  },']
    return '\n'.join(lines)


def main(argv):
    if not argv or argv[0].startswith('-'):
        sys.stderr.write(__doc__)
        return 2
    outdir = os.path.abspath(argv[0])
    only, skip, sources, fit, metrics, start, seconds, objective = [], [], [], [], [], [], [], []
    lists = {'--only': only, '--skip': skip, '--source': sources, '--fit': fit, '--metrics': metrics,
             '--start': start, '--stage-seconds': seconds, '--objective': objective}
    per_request = '--no-requests' not in argv
    argv = [a for a in argv if a != '--no-requests']
    i = 1
    while i < len(argv):
        flag = argv[i]
        if flag not in lists or i + 1 >= len(argv):
            sys.stderr.write('build_fit_list: unknown or incomplete option %s\n' % flag)
            return 2
        lists[flag].append(argv[i + 1])
        i += 2
    chosen = [e for e in acc_fixtures.load_experiments()
              if 'physics' in e['latency_models']
              and (not only or any(t in e['id'] for t in only))
              and not any(t in e['id'] for t in skip)
              and (not sources or e['source'] in sources)]
    if not chosen:
        sys.stderr.write('build_fit_list: no experiment matches\n')
        return 1
    os.makedirs(outdir, exist_ok=True)
    stage_seconds = int(seconds[-1]) if seconds else None
    body = [experiment_entry(e, outdir, stage_seconds, per_request) for e in chosen]
    with open(os.path.join(outdir, 'fit.lua'), 'w') as f:
        f.write('-- written by tests/accuracy/build_fit_list.py: %d real experiments of ../shared/sim2real\n'
                % len(chosen))
        f.write('return {\n experiments = {\n%s\n },\n' % '\n'.join(body))
        for key, values in (('fit', fit), ('metrics', metrics)):
            names = [n for v in values for n in v.split(',') if n]
            if names:
                f.write(' %s = { %s },\n' % (key, ', '.join(lua_string(n) for n in names)))
        if start:
            f.write(' start = %s,\n' % lua_string(start[-1]))
        if objective:
            f.write(' objective = %s,\n' % lua_string(objective[-1]))
        f.write('}\n')
    print('%s: %d experiments' % (os.path.join(outdir, 'fit.lua'), len(chosen)))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
