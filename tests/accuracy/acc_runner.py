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
    """{'summary': all requests, '0': stage 0's, ...}: a request belongs to the stage whose send
    window holds its arrival, as blis's own `=== inference-perf Stages ===` block counts"""
    stages = {'summary': list(recs.values())}
    windows = acc_commands.stage_windows_s(exp)
    if windows and exp.get('stages', 0) > 1:
        for i, (lo, hi) in enumerate(windows):
            stages[str(i)] = [r for r in recs.values() if lo <= r['arrival_s'] <= hi]
    return stages


STAGES_HEADER = '=== inference-perf Stages ==='
# the block's latencies (seconds) -> the suite's metric names (ms)
BLOCK_LATENCIES = {'time_to_first_token': 'ttft', 'request_latency': 'e2e', 'time_per_output_token': 'tpot'}
BLOCK_STATS = {'mean': 'mean', 'median': 'p50', 'p90': 'p90', 'p99': 'p99'}


def stage_block(stdout):
    """blis's `=== inference-perf Stages ===` block (a JSON array, one object per stage in the
    shape of inference-perf's stage_N_lifecycle_metrics.json), or None when blis printed none"""
    if STAGES_HEADER not in stdout:
        return None
    text = stdout.split(STAGES_HEADER, 1)[1]
    end = text.find('\n===')
    try:
        return json.loads(text if end < 0 else text[:end])
    except ValueError as e:
        raise RunError('unreadable %s block: %s' % (STAGES_HEADER, e))


def block_metrics(stage, metrics):
    """the suite's metrics among `metrics` that one stage object of the block carries"""
    ok = stage['successes']
    out = {'requests_count': ok['count']} if 'requests_count' in metrics else {}
    for name, short in BLOCK_LATENCIES.items():
        for stat, suite_stat in BLOCK_STATS.items():
            m = '%s_%s' % (short, suite_stat)
            value = ok.get('latency', {}).get(name, {}).get(stat)
            if m in metrics and value is not None:
                out[m] = value * 1000.0
    return out


def per_stage(exp, recs, stdout):
    """{stage: {metric: ms}}. The stages take what blis's own stage block reports (what a user
    compares with stage_N_lifecycle_metrics.json); the rest (mean ITL) is computed from the
    results file over the same stage windows, whose counts must agree with the block's."""
    metrics = exp['metrics']
    out = {name: acc_stats.summarize(reqs, metrics) for name, reqs in _by_stage(exp, recs).items()}
    block = stage_block(stdout)
    if exp['workload']['kind'] == 'inference_perf' and block is None:
        raise RunError('blis printed no %s block (is inference_perf_faithful on?)' % STAGES_HEADER)
    if block is not None and exp.get('stages', 0) > 1:
        if len(block) != exp['stages']:
            raise RunError('blis reported %d stages, the real run has %d' % (len(block), exp['stages']))
        for i, stage in enumerate(block):
            mine = len(_by_stage(exp, recs)[str(i)])
            if stage['successes']['count'] != mine:
                raise RunError('stage %d: blis\'s block counts %d completed requests, its results file %d'
                               % (i, stage['successes']['count'], mine))
            out[str(i)].update(block_metrics(stage, metrics))
    return out


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
        try:
            out = per_stage(exp, recs, p.stdout)
        except RunError as e:
            raise RunError('%s [%s]: %s' % (exp['id'], latency_model, e))
        if real_requests is not None:
            sim = {i: acc_stats.with_tpot(r) for i, r in recs.items()}
            out['summary'].update(acc_stats.request_errors(real_requests, sim, metrics))
        # the command as a user would type it (workload files named, not the temporary paths)
        shown = [a.replace(work + os.sep, '').replace(acc_commands.REPO + os.sep, '') for a in cmd[1:]]
        return {'stages': out, 'completed': len(recs), 'injected': doc.get('injected_requests'),
                'wall_s': round(wall, 2), 'command': ['blis'] + shown}
    finally:
        shutil.rmtree(work)
