"""Statistics shared by the real and the simulated side, so both use one definition.

Percentiles interpolate linearly between order statistics (numpy's default, which is what
inference-perf and LLMServingSim's summaries use). TPOT of one request is
(E2E - TTFT) / (output tokens - 1); mean ITL is token-weighted: the mean over every gap between
two output tokens, sum(E2E - TTFT) / sum(output tokens - 1), as inference-perf averages
inter_token_latency.
"""


def percentile(values, q):
    if not values:
        return None
    v = sorted(values)
    pos = (len(v) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (pos - lo)


def mean(values):
    return sum(values) / len(values) if values else None


def ape(real, predicted):
    """signed percentage error of predicted against real (None when undefined)"""
    if real is None or predicted is None or real == 0:
        return None
    return (predicted - real) / real * 100.0


def summarize(requests, metrics):
    """requests: [{'ttft','e2e','out'}] in ms; metrics: names like ttft_p90, itl_mean."""
    series = {'ttft': [r['ttft'] for r in requests], 'e2e': [r['e2e'] for r in requests],
              'tpot': [(r['e2e'] - r['ttft']) / (r['out'] - 1) for r in requests if r['out'] > 1]}
    out = {}
    for m in metrics:
        name, stat = m.rsplit('_', 1)
        if is_request_metric(m):
            continue  # per-request errors need the pairing: see request_errors
        if m == 'requests_count':
            out[m] = len(requests)  # completed requests: shows a workload that sends more (or fewer) than the harness
        elif name == 'itl' and stat == 'mean':
            gaps = sum(r['out'] - 1 for r in requests if r['out'] > 1)
            out[m] = sum(r['e2e'] - r['ttft'] for r in requests if r['out'] > 1) / gaps if gaps else None
        elif name in series and stat == 'mean':
            out[m] = mean(series[name])
        elif name in series and stat.startswith('p'):
            out[m] = percentile(series[name], float(stat[1:]))
    return out


def is_request_metric(m):
    """per-request error metrics: <field>_request_mape (mean |APE| over requests) and
    <field>_request_ape_pNN (a percentile of the requests' |APE|)"""
    return '_request_' in m


def request_errors(real_by_id, sim_by_id, metrics):
    """the per-request error metrics among metrics, pairing requests present on both sides"""
    out = {}
    for m in metrics:
        if not is_request_metric(m):
            continue
        field, stat = m.split('_request_')
        errs = []
        for i, r in sorted(real_by_id.items()):
            s = sim_by_id.get(i)
            if s is None or r[field] in (None, 0) or s.get(field) is None:
                continue
            errs.append(abs(s[field] - r[field]) / r[field] * 100.0)
        out[m] = mean(errs) if stat == 'mape' else percentile(errs, float(stat[len('ape_p'):]))
    return out


def with_tpot(rec):
    r = dict(rec)
    r['tpot'] = (r['e2e'] - r['ttft']) / (r['out'] - 1) if r['out'] > 1 else None
    return r
