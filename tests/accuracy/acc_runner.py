"""Run one (experiment, latency model) through blis and turn its results JSON into the suite's
metrics, per stage, with the same definitions as the real side (acc_stats)."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import acc_commands
import acc_stats

RUN_TIMEOUT_S = 900


class RunError(Exception):
    pass


def _records(results_path):
    with open(results_path) as f:
        doc = json.load(f)
    recs = {}
    for r in doc.get('requests', []):
        # requests still queued or running at the end have no latencies: not comparable
        if r.get('ttft_ms', -1) <= 0 or r.get('e2e_ms', -1) <= 0:
            continue
        rid = int(str(r['requestID']).rsplit('_', 1)[-1])
        recs[rid] = {'arrival_s': float(r['arrived_at']), 'ttft': float(r['ttft_ms']),
                     'e2e': float(r['e2e_ms']), 'out': int(r['num_decode_tokens'])}
    return recs, doc


def _by_stage(exp, recs):
    stages = {'summary': list(recs.values())}
    bounds = acc_commands.stage_bounds_s(exp)
    if bounds and exp.get('stages', 0) > 1:
        for i in range(len(bounds) - 1):
            stages[str(i)] = [r for r in recs.values() if bounds[i] <= r['arrival_s'] < bounds[i + 1]]
    return stages


def run_one(blis, exp, latency_model, real_requests, extra_args=()):
    """{'stages': {stage: {metric: ms}}, 'completed': n, 'injected': n, 'wall_s': s, 'command': [...]}"""
    work = tempfile.mkdtemp(prefix='blis-accuracy-')
    try:
        results = os.path.join(work, 'results.json')
        cmd = acc_commands.blis_command(blis, exp, latency_model, work, results, extra_args)
        t0 = time.time()
        try:
            p = subprocess.run(cmd, cwd=work, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise RunError('%s [%s]: blis ran longer than %d s' % (exp['id'], latency_model, RUN_TIMEOUT_S))
        wall = time.time() - t0
        if p.returncode != 0:
            raise RunError('%s [%s]: blis exited %d: %s' % (exp['id'], latency_model, p.returncode,
                                                             p.stderr.strip()[-500:]))
        recs, doc = _records(results)
        metrics = exp['metrics']
        out = {name: acc_stats.summarize(reqs, metrics) for name, reqs in _by_stage(exp, recs).items()}
        if real_requests is not None:
            sim = {i: acc_stats.with_tpot(r) for i, r in recs.items()}
            out['summary'].update(acc_stats.request_errors(real_requests, sim, metrics))
        # the command as a user would type it (workload files named, not the temporary paths)
        shown = [a.replace(work + os.sep, '').replace(acc_commands.REPO + os.sep, '') for a in cmd[1:]]
        return {'stages': out, 'completed': len(recs), 'injected': doc.get('injected_requests'),
                'wall_s': round(wall, 2), 'command': ['blis'] + shown}
    finally:
        shutil.rmtree(work)
