"""Read experiments.json and the real measurements (and peer predictions) from the fixtures.

Every real value comes out in milliseconds, keyed by stage ('summary' or the stage index as a
string) and metric name (ttft_p90, e2e_mean, itl_mean, tpot_p50, ...).
"""
import csv
import gzip
import json
import os

import acc_stats

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, 'fixtures')
# inference-perf lifecycle metric -> the suite's name
A_NAMES = {'time_to_first_token': 'ttft', 'request_latency': 'e2e', 'inter_token_latency': 'itl',
           'time_per_output_token': 'tpot'}
A_STATS = {'mean': 'mean', 'median': 'p50', 'p90': 'p90', 'p95': 'p95', 'p99': 'p99'}


class FixtureError(Exception):
    pass


def load_experiments(path=os.path.join(HERE, 'experiments.json')):
    try:
        with open(path) as f:
            return json.load(f)['experiments']
    except (OSError, ValueError, KeyError) as e:
        raise FixtureError('%s: %s' % (path, e))


def _gz_json(name):
    with gzip.open(os.path.join(FIXTURES, name), 'rt') as f:
        return json.load(f)


_cache = {}


def _cached(name, loader):
    if name not in _cache:
        _cache[name] = loader(name)
    return _cache[name]


def a_run(key):
    return _cached('A_h100.json.gz', _gz_json)[key]


def b_run(key):
    return _cached('B_trainval13.json.gz', _gz_json)[key]


def workload_profile(name):
    profiles = _cached('B_workload_profiles.json', lambda n: json.load(open(os.path.join(FIXTURES, n))))
    return profiles['profiles'][name]


def c_requests(exp):
    """the per-request rows of a C_ run (fixtures/C_*.csv.gz), ids as ints"""
    path = os.path.join(FIXTURES, exp['workload']['requests'])
    with gzip.open(path, 'rt', newline='') as f:
        return [dict(r, id=int(r['id'])) for r in csv.DictReader(f)]


def _a_stage(doc, metrics):
    out = {'requests_count': doc['count']} if 'requests_count' in metrics and doc.get('count') else {}
    for inference_perf_name, name in A_NAMES.items():
        stats = doc.get(inference_perf_name) or {}
        for s, suite_stat in A_STATS.items():
            m = '%s_%s' % (name, suite_stat)
            if m in metrics and stats.get(s) is not None:
                out[m] = stats[s] * 1000.0
    return out


def _c_side(rows, prefix):
    reqs = {}
    for r in rows:
        if r[prefix + '_ttft_ms'] == '':
            continue
        reqs[r['id']] = {'ttft': float(r[prefix + '_ttft_ms']), 'e2e': float(r[prefix + '_e2e_ms']),
                         'tpot': float(r[prefix + '_tpot_ms']), 'out': int(r['output_tokens'])}
    return reqs


def _c_summary(reqs, metrics):
    vals = list(reqs.values())
    out = acc_stats.summarize(vals, metrics)
    # the fixture's TPOT is the measurement's own (LLMServingSim's definition, identical formula)
    tp = [r['tpot'] for r in vals if r['out'] > 1]
    for m in metrics:
        if m.startswith('tpot_') and not acc_stats.is_request_metric(m):
            stat = m.split('_')[1]
            out[m] = acc_stats.mean(tp) if stat == 'mean' else acc_stats.percentile(tp, float(stat[1:]))
    return out


def real_and_peers(exp):
    """(real, peers, real_requests): real {stage: {metric: ms}}, peers {sim: same shape},
    real_requests {id: {...}} for per-request comparisons (C_ only, else None)"""
    metrics = exp['metrics']
    if exp['source'] == 'A':
        run = a_run(exp['fixture_key'])
        real = {'summary': _a_stage(run['summary'], metrics)}
        for i, st in enumerate(run['stages']):
            real[str(i)] = _a_stage(st, metrics)
        return real, {}, None
    if exp['source'] == 'B':
        run = b_run(exp['fixture_key'])
        stage = lambda s: 'summary' if s == '-1' else s  # noqa: E731
        real = {stage(s): dict(v) for s, v in run['real'].items()}
        peers = {'published:' + sim: {stage(s): dict(v) for s, v in by_stage.items()}
                 for sim, by_stage in run['peers'].items()}
        return real, peers, None
    rows = c_requests(exp)
    real_reqs, peer_reqs = _c_side(rows, 'real'), _c_side(rows, 'llmservingsim')
    real = {'summary': _c_summary(real_reqs, metrics)}
    peer = {'summary': _c_summary(peer_reqs, metrics)}
    peer['summary'].update(acc_stats.request_errors(real_reqs, peer_reqs, metrics))
    return real, {'llmservingsim': peer}, real_reqs
