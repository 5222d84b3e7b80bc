#!/usr/bin/env python3
"""Copy what the accuracy suite needs from the sim2real data set into compact fixtures.

usage: import_sim2real.py [SIM2REAL_DIR] [--out tests/accuracy/fixtures]

Run once by a maintainer (the data is not in the repository); the suite itself only reads the
fixtures, so a fresh clone can run it. Output (all committed, well under 1 MB):
  A_h100.json.gz          16 H100 inference-perf runs: profile, server config, real lifecycle
                          metrics per stage and summary (seconds, as inference-perf writes them),
                          and the shared_prefix block the harness actually ran (results/config.yaml)
  B_trainval13.json.gz    trainval13 real aggregates (ms) + the peer simulators' predictions
  B_workload_profiles.json  the inference-perf profiles behind the workload names (verbatim)
  C_<hw>_<model>.csv.gz   one row per request: arrival, lengths, prefix sharing, real TTFT/TPOT/E2E
                          and LLMServingSim's prediction (the peer baseline)
  C_meta.json             engine kwargs and KV sizing of each C_ run
Standard library only.
"""
import csv
import gzip
import io
import json
import os
import sys

DEFAULT_SRC = '/work/shared/sim2real'
A_DIR = 'A_blis-training-h100-vllm0.15.1'
B_DIR = 'B_sim2real-accuracy-validation'
C_DIR = 'C_llmservingsim-bench-vllm0.19.0'
# lifecycle metrics kept from inference-perf's JSON (all others are derivable or unused)
A_LATENCIES = ('request_latency', 'time_to_first_token', 'inter_token_latency',
               'time_per_output_token', 'normalized_time_per_output_token')
A_STATS = ('mean', 'median', 'p90', 'p95', 'p99')
# the C_ runs: directory -> workload file (README: per model, one workload)
# shorter common prefixes (a few template tokens) can never hit vLLM's cache, whose unit is a
# whole block of 16 tokens in every C_ run
MIN_SHARED_TOKENS = 16
C_RUNS = {
    'RTX4090/Llama-3.1-8B': 'sharegpt-llama-3.1-8b-300-sps10.jsonl.gz',
    'RTXPRO6000/Llama-3.1-8B': 'sharegpt-llama-3.1-8b-300-sps10.jsonl.gz',
    'RTXPRO6000/Qwen3-30B-A3B-Instruct-2507': 'sharegpt-qwen3-30b-a3b-300-sps10.jsonl.gz',
}


def die(msg):
    sys.stderr.write('import_sim2real: error: %s\n' % msg)
    sys.exit(1)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        die('%s: %s' % (path, e))


def read_simple_yaml(path):
    """exp-config.yaml is flat `key: value` lines; no YAML library in the stdlib."""
    out = {}
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            if ':' not in line:
                die('%s: line %d: expected key: value' % (path, n))
            k, v = line.split(':', 1)
            v = v.strip()
            out[k.strip()] = int(v) if v.lstrip('-').isdigit() else v
    return out


def read_harness_shared_prefix(path):
    """The `data.shared_prefix` block of inference-perf's results/config.yaml: what the harness
    actually ran, after its own defaults (the A_ runs' harness did not know the profile's
    num_unique_system_prompts / num_users_per_system_prompt and ran num_groups x
    num_prompts_per_group = 10 x 10). Its keys are indented `key: number` lines."""
    out, inside, indent = {}, False, None
    with open(path) as f:
        for n, line in enumerate(f, 1):
            body = line.strip()
            depth = len(line) - len(line.lstrip(' '))
            if body == 'shared_prefix:':
                inside, indent = True, depth
                continue
            if inside:
                if not body or depth <= indent:
                    break
                k, _, v = body.partition(':')
                v = v.strip()
                if not v.lstrip('-').isdigit():
                    die('%s: line %d: expected `key: integer` under shared_prefix' % (path, n))
                out[k.strip()] = int(v)
    for key in ('num_groups', 'num_prompts_per_group'):
        if key not in out:
            die('%s: no data.shared_prefix.%s' % (path, key))
    return out


def write_gz_json(path, obj):
    # mtime=0: the same input gives byte-identical fixtures
    with open(path, 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as f:
        f.write(json.dumps(obj, indent=1, sort_keys=True).encode())


def lifecycle_subset(doc):
    ok = doc.get('successes', {})
    lat = ok.get('latency', {})
    out = {'count': ok.get('count'), 'failures': doc.get('failures', {}).get('count'),
           'throughput': ok.get('throughput')}
    for name in A_LATENCIES:
        if name in lat:
            out[name] = {s: lat[name].get(s) for s in A_STATS}
    for name in ('prompt_len', 'output_len'):
        if name in ok:
            out[name] = {s: ok[name].get(s) for s in ('mean', 'min', 'max')}
    return out


def import_a(src):
    root = os.path.join(src, A_DIR)
    runs = {}
    for name in sorted(os.listdir(root)):
        d = os.path.join(root, name)
        if not os.path.isfile(os.path.join(d, 'profile.yaml')):
            continue
        with open(os.path.join(d, 'profile.yaml')) as f:
            profile = json.loads(f.read())  # one-line JSON, which is YAML too
        res = os.path.join(d, 'results')
        stages = []
        i = 0
        while os.path.isfile(os.path.join(res, 'stage_%d_lifecycle_metrics.json' % i)):
            stages.append(lifecycle_subset(read_json(os.path.join(res, 'stage_%d_lifecycle_metrics.json' % i))))
            i += 1
        runs[name] = {'profile': profile, 'server': read_simple_yaml(os.path.join(d, 'exp-config.yaml')),
                      'summary': lifecycle_subset(read_json(os.path.join(res, 'summary_lifecycle_metrics.json'))),
                      'stages': stages,
                      'harness_shared_prefix': read_harness_shared_prefix(os.path.join(res, 'config.yaml'))}
    return runs


def read_csv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def import_b(src):
    root = os.path.join(src, B_DIR)
    truth = read_csv(os.path.join(root, 'trainval13_ground_truth_aggregates.csv'))
    peers = read_csv(os.path.join(root, 'trainval13_error_records.csv'))
    exps = {}
    for r in truth:
        e = exps.setdefault(r['experiment'], {
            'model': r['model'], 'workload': r['workload'], 'hardware': r['hardware'],
            'precision': r['precision'], 'tp': int(r['tp']), 'dp': r['dp'] or None,
            'cpu_offload': r['cpu_offload'] or None, 'gpu_mem_util': r['gpu_mem_util'] or None,
            'max_num_batched_tokens': int(r['max_num_batched_tokens']), 'real': {}, 'peers': {}})
        e['real'].setdefault(r['stage_index'], {})[r['metric']] = float(r['actual_ms'])
    for r in peers:
        name = os.path.basename(r['experiment_folder'])
        if name not in exps:
            continue
        e = exps[name]['peers'].setdefault(r['simulator'], {})
        e.setdefault(r['stage_index'], {})[r['metric_name']] = float(r['predicted'])
    return exps


def longest_prefix_source(ids, earlier):
    """(j, k): the earlier request j whose input shares the longest prefix k with ids.
    Only the input counts: vLLM's cache holds the tokens it generated, not the dataset's
    recorded answer, so a later turn hits the cache only on the earlier turn's prompt."""
    best = (None, 0)
    for j, other in earlier:
        k = 0
        n = min(len(ids), len(other))
        while k < n and ids[k] == other[k]:
            k += 1
        if k > best[1]:
            best = (j, k)
    return best


def import_c_run(src, run, workload_file):
    root = os.path.join(src, C_DIR)
    with gzip.open(os.path.join(root, 'workloads', workload_file), 'rt') as f:
        workload = [json.loads(line) for line in f if line.strip()]
    real = {}
    with open(os.path.join(root, run, 'vllm', 'requests.jsonl')) as f:
        for line in f:
            r = json.loads(line)
            real[int(r['request_id'].split('-')[1])] = r
    truth = {int(r['request_id'].split('-')[1]): r
             for r in read_csv(os.path.join(root, run, 'ground_truth_per_request.csv'))}
    peer = {}
    with gzip.open(os.path.join(root, run, 'outputs', 'sim.csv.gz'), 'rt', newline='') as f:
        for r in csv.DictReader(f):
            peer[int(r['request id'])] = r
    t0 = min(r['queued_ts'] for r in real.values())
    rows, earlier = [], []
    for i, w in enumerate(workload):
        r, t = real.get(i), truth.get(i)
        if r is None or t is None:
            die('%s: request %d of %s has no real measurement' % (run, i, workload_file))
        if r['input_toks'] != w['input_toks'] or r['output_toks'] != w['output_toks']:
            die('%s: request %d: workload and measurement disagree on token counts' % (run, i))
        src_j, k = longest_prefix_source(w['input_tok_ids'], earlier)
        if k < MIN_SHARED_TOKENS:
            src_j, k = None, 0
        earlier.append((i, w['input_tok_ids']))
        p = peer.get(i)
        rows.append({
            'id': i,
            # the server's own clock: real TTFT and E2E are measured from queued_ts
            'arrival_us': round((r['queued_ts'] - t0) * 1e6),
            'input_tokens': w['input_toks'], 'output_tokens': w['output_toks'],
            'prefix_source': '' if src_j is None else src_j, 'prefix_tokens': k if src_j is not None else '',
            'real_ttft_ms': '%.4f' % float(t['ttft_ms']), 'real_tpot_ms': '%.5f' % float(t['tpot_ms']),
            'real_e2e_ms': '%.4f' % float(t['e2e_ms']),
            'llmservingsim_ttft_ms': '' if p is None else '%.4f' % (int(p['TTFT']) / 1e6),
            'llmservingsim_tpot_ms': '' if p is None else '%.5f' % (int(p['TPOT']) / 1e6),
            'llmservingsim_e2e_ms': '' if p is None else '%.4f' % (int(p['latency']) / 1e6),
        })
    return rows


def c_meta(src, run):
    root = os.path.join(src, C_DIR, run)
    meta = read_json(os.path.join(root, 'vllm', 'meta.json'))
    out = {'model': meta['model'], 'vllm_version': meta['vllm_version'], 'engine_kwargs': meta['engine_kwargs']}
    kv = meta.get('kv_cache')
    if kv and kv.get('num_gpu_blocks'):
        out['kv_blocks'] = kv['num_gpu_blocks']
        out['block_size'] = kv['block_size']
        out['kv_blocks_source'] = 'vllm (meta.json kv_cache.num_gpu_blocks)'
    else:
        # vLLM's own count is not published for this run; LLMServingSim derived one at the same
        # gpu_memory_utilization, per rank (its sim.log "KV Cache Initialization")
        with open(os.path.join(root, 'outputs', 'sim.log')) as f:
            for line in f:
                if 'Instance [0] :' in line and 'blocks' in line:
                    out['kv_blocks'] = int(line.split('/')[1].split()[0])
                    out['kv_blocks_source'] = 'LLMServingSim derivation (sim.log), not vLLM'
                    break
        out['block_size'] = 16
    return out


def main(argv):
    src = DEFAULT_SRC
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
    i = 0
    while i < len(argv):
        if argv[i] == '--out':
            if i + 1 >= len(argv):
                die('--out needs a directory')
            out = argv[i + 1]
            i += 1
        elif argv[i].startswith('-'):
            die('unknown option %s (usage: import_sim2real.py [SIM2REAL_DIR] [--out DIR])' % argv[i])
        else:
            src = argv[i]
        i += 1
    if not os.path.isdir(os.path.join(src, A_DIR)):
        die('%s: no %s (give the sim2real directory)' % (src, A_DIR))
    os.makedirs(out, exist_ok=True)
    write_gz_json(os.path.join(out, 'A_h100.json.gz'), import_a(src))
    write_gz_json(os.path.join(out, 'B_trainval13.json.gz'), import_b(src))
    with open(os.path.join(src, B_DIR, 'workload_profiles.json'), 'rb') as f, \
            open(os.path.join(out, 'B_workload_profiles.json'), 'wb') as g:
        g.write(f.read())
    metas = {}
    for run, wl in sorted(C_RUNS.items()):
        rows = import_c_run(src, run, wl)
        name = 'C_' + run.replace('/', '_') + '.csv.gz'
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator='\n')
        w.writeheader()
        w.writerows(rows)
        with open(os.path.join(out, name), 'wb') as raw, gzip.GzipFile(fileobj=raw, mode='wb', mtime=0) as f:
            f.write(buf.getvalue().encode())
        metas[run] = c_meta(src, run)
        metas[run]['requests'] = name
        metas[run]['shared_prefix_requests'] = sum(1 for r in rows if r['prefix_source'] != '')
    with open(os.path.join(out, 'C_meta.json'), 'w') as f:
        json.dump(metas, f, indent=1, sort_keys=True)
        f.write('\n')
    print('fixtures written to %s' % out)


if __name__ == '__main__':
    main(sys.argv[1:])
