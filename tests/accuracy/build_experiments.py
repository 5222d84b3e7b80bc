#!/usr/bin/env python3
"""Write tests/accuracy/experiments.json from the fixtures and what blis can represent.

usage: build_experiments.py --blis BLIS [--check]
  --blis BLIS  the blis binary: `blis model-info` derives the KV block count of every experiment
               whose real count is unknown (vLLM's start-up sizing, docs/latency-models.md)
  --check      exit 1 when experiments.json differs from what this script would write (the ctest
               accuracy_experiments_current, so the file and the facts below do not drift apart)

Each experiment lists, per latency model blis has today, the blis model id and files that model
needs, or precisely what is still missing. Facts about blis's catalogs are in MODELS below: when
a catalog gains a model (model_configs/hf/...) or a GPU, edit the row and rerun.
"""
import gzip
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FIX = os.path.join(HERE, 'fixtures')
OUT = os.path.join(HERE, 'experiments.json')

# real model id -> what blis has for it today.
#   config: model_configs/hf/<dir> (the model catalog, docs/catalogs.md); blis_id: --model
#   blackbox: {(gpu, tp): (defaults.yaml id, note)}
#   moe: the model is a mixture of experts (roofline treats every model as dense)
MODELS = {
    'meta-llama/Llama-2-7b-hf': {'moe': False, 'config': 'llama-2-7b-hf', 'blis_id': 'meta-llama/llama-2-7b-hf'},
    'meta-llama/Llama-2-70b-hf': {'moe': False, 'config': 'llama-2-70b-hf', 'blis_id': 'meta-llama/llama-2-70b-hf'},
    'codellama/CodeLlama-34b-Instruct-hf': {'moe': False, 'config': 'codellama-34b-instruct-hf',
                                            'blis_id': 'codellama/codellama-34b-instruct-hf'},
    'mistralai/Mixtral-8x7B-v0.1': {'moe': True, 'config': 'mixtral-8x7b-v0.1', 'blis_id': 'mistralai/mixtral-8x7b-v0.1',
                                    'blackbox': {
        ('H100', 2): ('mistralai/mixtral-8x7b-instruct-v0.1',
                      'coefficients of the instruct checkpoint (same architecture)')}},
    'RedHatAI/Llama-4-Scout-17B-16E-Instruct-FP8-dynamic': {
        'moe': True, 'config': 'llama-4-scout-17b-16e-instruct-fp8-dynamic',
        'blis_id': 'redhatai/llama-4-scout-17b-16e-instruct-fp8-dynamic',
        'blackbox': {('H100', 2): ('redhatai/llama-4-scout-17b-16e-instruct-fp8-dynamic', None)}},
    'meta-llama/Llama-3.1-70B-Instruct': {
        'moe': False, 'config': 'llama-3.1-70b-instruct', 'blis_id': 'meta-llama/llama-3.1-70b-instruct',
        'blackbox': {('H100', 4): ('meta-llama/llama-3.3-70b-instruct',
                                   'coefficients of Llama-3.3-70B (same architecture, other weights)')}},
    'mistralai/Mistral-Nemo-Instruct-2407': {'moe': False, 'config': 'mistral-nemo-instruct-2407',
                                             'blis_id': 'mistralai/mistral-nemo-instruct-2407'},
    'Qwen/Qwen2.5-7B-Instruct': {'moe': False, 'config': 'qwen2.5-7b-instruct', 'blis_id': 'qwen/qwen2.5-7b-instruct',
                                 'blackbox': {('H100', 1): ('qwen/qwen2.5-7b-instruct', None)}},
    '01-ai/Yi-34B': {'moe': False, 'config': 'yi-34b', 'blis_id': '01-ai/yi-34b'},
    'meta-llama/Llama-3.1-8B': {
        'moe': False, 'config': 'llama-3.1-8b', 'blis_id': 'meta-llama/llama-3.1-8b',
        'blackbox': {
            ('RTX4090', 1): ('meta-llama/llama-3.1-8b-instruct',
                             'blis has no RTX 4090 coefficients: the H100 TP1 row (what a user gets)'),
            ('RTXPRO6000', 1): ('meta-llama/llama-3.1-8b-instruct',
                                'blis has no RTX PRO 6000 coefficients: the H100 TP1 row (what a user gets)')}},
    'Qwen/Qwen3-30B-A3B-Instruct-2507': {'moe': True, 'config': 'qwen3-30b-a3b-instruct-2507',
                                         'blis_id': 'qwen/qwen3-30b-a3b-instruct-2507'},
}
# every coefficients row of model_configs/defaults.yaml was fitted on this vLLM; the lookup needs
# it when the model has no `defaults:` entry naming it
BLACKBOX_VLLM = 'vllm/vllm-openai:v0.8.4'
# GPUs of the roofline model's hardware file (model_configs/hardware_config.json, the reference's
# format). The suite adds the C_ GPUs in tests/accuracy/hardware_suite.json (datasheet figures,
# docs/accuracy.md). The GPU catalog model_configs/gpus.yaml has all of them (`blis gpus`), but
# the roofline model does not read it; the physics latency model does.
REPO_GPUS = {'H100', 'A100-SXM'}
SUITE_GPUS = {'RTX4090', 'RTXPRO6000'}
CATALOG_GPUS = {'H100', 'RTX4090', 'RTXPRO6000'}  # the sim2real GPUs, all in model_configs/gpus.yaml
# KV sizing of the runs whose real block count is unknown (A_ and B_: their vLLM logs are not
# public): vLLM 0.15's start-up sizing as `blis model-info` derives it (docs/latency-models.md)
# from the memory CUDA reports for an 80 GB H100 (79.19 GiB; the data does not record it: 0.1 GiB
# either way moves a count by about 0.2%) and the server's gpu_memory_utilization (0.9, vLLM's
# default; B_workload_profiles.json server_defaults).
H100_REPORTED_GIB = 79.19
GPU_MEMORY_UTILIZATION = 0.9
A_METRICS = ['requests_count', 'ttft_mean', 'ttft_p50', 'ttft_p90', 'ttft_p99',
             'e2e_mean', 'e2e_p50', 'e2e_p90', 'e2e_p99',
             'itl_mean', 'tpot_mean', 'tpot_p50', 'tpot_p90', 'tpot_p99']
B_METRICS = ['ttft_mean', 'ttft_p90', 'ttft_p99', 'e2e_mean', 'e2e_p90', 'e2e_p99', 'itl_mean']
C_METRICS = ['requests_count', 'ttft_mean', 'ttft_p50', 'ttft_p90', 'ttft_p99',
             'tpot_mean', 'tpot_p50', 'tpot_p90', 'tpot_p99',
             'e2e_mean', 'e2e_p50', 'e2e_p90', 'e2e_p99'] + [
                 '%s_request_%s' % (f, s) for f in ('ttft', 'tpot', 'e2e')
                 for s in ('mape', 'ape_p50', 'ape_p90', 'ape_p99')]
# runs cheap enough for the default ctest run (accuracy_fast, < 60 s on 2 cores; these take about
# 1 s): the two per-request C_ replays, and one A_ and one B_ inference-perf run, so the faithful
# inference-perf workload and blis's per-stage block are checked on every ctest run
FAST = {'C/RTX4090/Llama-3.1-8B', 'C/RTXPRO6000/Llama-3.1-8B', 'A/llama-2-7b-tp1-codegen',
        'B/64-qwen2-5-7b-instruct-tp1-roleplay-1-1'}


# LLMServingSim's layer-wise kernel profiles (the C_ data's profiler_perf/<hw>/<org>/<model>/<dtype>/tp<N>),
# copied into fixtures/profiles without skew_fit.csv.gz (blis does not apply the skew correction;
# both RTX 4090 and RTX PRO 6000 bundles are otherwise whole): (model, gpu, tp) -> folder
# LLMServingSim's layer-wise profiles (fixtures/profiles), by (model, GPU, TP) of a run. The tp2
# profiles of Llama-3.1-8B and Qwen3-32B are there too, for TP2 runs (none in this data).
PROFILES = {('meta-llama/Llama-3.1-8B', gpu, 1): 'tests/accuracy/fixtures/profiles/%s/meta-llama/Llama-3.1-8B/bf16/tp1' % gpu
            for gpu in ('RTX4090', 'RTXPRO6000')}
PROFILES[('Qwen/Qwen3-30B-A3B-Instruct-2507', 'RTXPRO6000', 1)] = \
    'tests/accuracy/fixtures/profiles/RTXPRO6000/Qwen/Qwen3-30B-A3B-Instruct-2507/bf16/tp1'
PROFILES[('Qwen/Qwen3-32B', 'RTXPRO6000', 2)] = 'tests/accuracy/fixtures/profiles/RTXPRO6000/Qwen/Qwen3-32B/bf16/tp2'
PROFILES[('meta-llama/Llama-3.1-8B', 'RTXPRO6000', 2)] = \
    'tests/accuracy/fixtures/profiles/RTXPRO6000/meta-llama/Llama-3.1-8B/bf16/tp2'


def latency_models(model, gpu, tp, dp=1, ep=1, exact_workload=True):
    """{name: how to run it} for each latency model that can, and [reasons] for the rest: each
    reason says precisely what is still missing."""
    facts = MODELS[model]
    runnable, blocked = {}, []
    if not exact_workload:
        blocked.append('workload: the general-lite / reasoning-lite stage rates and durations were never published')
    if dp > 1 or ep > 1:
        blocked.append('data/expert parallelism (DP%d x EP%d): only the physics and profiled models simulate it' % (dp, ep))
    bb = facts.get('blackbox', {}).get((gpu, tp))
    if bb:
        runnable['blackbox'] = {'blis_model': bb[0], 'vllm_version': BLACKBOX_VLLM, 'note': bb[1]}
    roof = []
    if facts['moe']:
        roof.append('MoE: the roofline model prices every model as dense (the physics model reads the '
                    'experts from the catalog config)')
    if 'config' not in facts:
        roof.append('no config.json for %s in the model catalog (model_configs/hf)' % model)
    if gpu not in REPO_GPUS | SUITE_GPUS:
        roof.append('GPU %s has no hardware_config.json entry' % gpu)
    if not roof:
        runnable['roofline'] = {'blis_model': facts['blis_id'], 'model_config': 'model_configs/hf/' + facts['config'],
                                'hardware_config': 'model_configs/hardware_config.json' if gpu in REPO_GPUS
                                else 'tests/accuracy/hardware_suite.json'}
    else:
        blocked.append('roofline: ' + '; '.join(roof))
    profile = PROFILES.get((model, gpu, tp))
    if profile and 'config' in facts:
        runnable['profiled'] = {'blis_model': facts['blis_id'], 'model_config': 'model_configs/hf/' + facts['config'],
                                'profile': profile}
    # physics: any catalog model on any catalog GPU, MoE and DP x EP included (one simulated
    # instance per DP rank, docs/latency-models.md "Deployment")
    if 'config' in facts and gpu in CATALOG_GPUS:
        runnable['physics'] = {'blis_model': facts['blis_id'], 'model_config': 'model_configs/hf/' + facts['config'],
                               'gpu': gpu}
    elif 'config' not in facts:
        blocked.append('physics: no config.json for %s in the model catalog (model_configs/hf)' % model)
    else:
        blocked.append('physics: GPU %s is not in the GPU catalog (model_configs/gpus.yaml)' % gpu)
    if not bb:
        blocked.append('blackbox: no coefficients row for (%s, %s, TP%d) in model_configs/defaults.yaml '
                       '(needs a fit on that GPU)' % (model, gpu, tp))
    if not exact_workload:
        runnable = {}
    elif dp > 1 or ep > 1:
        # physics and profiled run DP x EP (one instance per DP rank, --ep experts per rank)
        runnable = {k: v for k, v in runnable.items() if k in ('physics', 'profiled')}
    return runnable, blocked


def derived_kv_blocks(blis, model, tp, engine):
    """(blocks, how) from `blis model-info` for an H100 run, or (None, why not)"""
    facts = MODELS[model]
    if 'config' not in facts:
        return None, ('unknown: no config.json in model_configs/hf to derive it from '
                      '(blackbox uses its coefficients row\'s count)')
    config = 'model_configs/hf/%s/config.json' % facts['config']
    args = ['model-info', config, '--tp', str(tp), '--gpu-memory-gib', str(H100_REPORTED_GIB),
            '--gpu-memory-utilization', str(GPU_MEMORY_UTILIZATION), '--block-size', str(engine['block_size']),
            '--max-num-seqs', str(engine['max_num_seqs']),
            '--max-num-batched-tokens', str(engine['max_num_batched_tokens']),
            '--max-model-len', str(engine['max_model_len'])]
    p = subprocess.run([blis] + args, cwd=REPO, capture_output=True, text=True)
    found = re.search(r'^\s*blocks\s+(\d+) ', p.stdout, re.M)
    if p.returncode != 0 or not found:
        sys.stderr.write('build_experiments: blis %s failed:\n%s%s' % (' '.join(args), p.stdout, p.stderr))
        sys.exit(1)
    return int(found.group(1)), 'derived: blis ' + ' '.join(args)


def a_experiments(blis):
    with gzip.open(os.path.join(FIX, 'A_h100.json.gz'), 'rt') as f:
        runs = json.load(f)
    out = []
    for name, r in sorted(runs.items()):
        s = r['server']
        workload = name.split('-')[-1]
        models, blocked = latency_models(s['model'], 'H100', s['tensor_parallelism'])
        notes = []
        if workload == 'reasoning':
            notes.append('overloaded in reality (inference-perf timeouts); compared on successes')
        engine = {'max_num_seqs': s['max_num_seqs'], 'max_num_batched_tokens': s['max_num_batched_tokens'],
                  'max_model_len': s['max_model_len'], 'block_size': 16}
        engine['kv_blocks'], engine['kv_blocks_source'] = derived_kv_blocks(blis, s['model'], s['tensor_parallelism'],
                                                                            engine)
        out.append({'id': 'A/' + name.split('-', 2)[2], 'source': 'A', 'fixture_key': name, 'model': s['model'],
                    'gpu': 'H100', 'tp': s['tensor_parallelism'], 'dp': 1, 'ep': 1, 'vllm': '0.15.1',
                    'engine': engine,
                    'workload': {'kind': 'inference_perf', 'name': workload,
                                 'from': 'profile.yaml (exact) with the prompt pool results/config.yaml records '
                                         '(%d x %d)' % (r['harness_shared_prefix']['num_groups'],
                                                        r['harness_shared_prefix']['num_prompts_per_group'])},
                    'stages': len(r['stages']), 'metrics': A_METRICS, 'latency_models': models, 'blocked': blocked,
                    'notes': notes, 'fast': ('A/' + name.split('-', 2)[2]) in FAST})
    return out


def b_experiments(blis):
    with gzip.open(os.path.join(FIX, 'B_trainval13.json.gz'), 'rt') as f:
        exps = json.load(f)
    with open(os.path.join(FIX, 'B_workload_profiles.json')) as f:
        profiles = json.load(f)['profiles']
    out = []
    for name, e in sorted(exps.items()):
        workload = e['workload']
        for lite in ('general-lite', 'reasoning-lite'):
            if lite in name:
                workload = lite
        prof = profiles[workload]
        exact = prof['confidence'].startswith('exact') and isinstance(prof['stages'], list) \
            and all(isinstance(s['duration'], (int, float)) for s in profiles[workload]['stages'])
        models, blocked = latency_models(e['model'], e['hardware'], e['tp'], exact_workload=exact)
        notes = []
        if name.startswith('2026'):
            notes.append('the same run as the A_ experiment of this name')
        engine = {'max_num_seqs': 128, 'max_num_batched_tokens': e['max_num_batched_tokens'],
                  'max_model_len': 4096, 'block_size': 16}
        engine['kv_blocks'], engine['kv_blocks_source'] = derived_kv_blocks(blis, e['model'], e['tp'], engine)
        out.append({'id': 'B/' + name, 'source': 'B', 'fixture_key': name, 'model': e['model'], 'gpu': e['hardware'],
                    'tp': e['tp'], 'dp': 1, 'ep': 1, 'vllm': '0.15.1', 'precision': e['precision'],
                    'engine': engine,
                    'workload': {'kind': 'inference_perf', 'name': workload,
                                 'from': 'B_workload_profiles.json (%s); prompt pool 10 x 10, the harness '
                                         'defaults the A_ runs record' % profiles[workload]['confidence']},
                    'stages': len(e['real']) - 1, 'metrics': B_METRICS, 'latency_models': models,
                    'blocked': blocked, 'notes': notes, 'fast': ('B/' + name) in FAST})
    return out


def c_experiments():
    with open(os.path.join(FIX, 'C_meta.json')) as f:
        metas = json.load(f)
    out = []
    for run, m in sorted(metas.items()):
        k = m['engine_kwargs']
        gpu = run.split('/')[0]
        dp = k.get('data_parallel_size') or 1
        ep = dp if k.get('enable_expert_parallel') else 1
        models, blocked = latency_models(m['model'], gpu, k['tensor_parallel_size'], dp, ep)
        out.append({'id': 'C/' + run, 'source': 'C', 'fixture_key': run, 'model': m['model'], 'gpu': gpu,
                    'tp': k['tensor_parallel_size'], 'dp': dp, 'ep': ep, 'vllm': m['vllm_version'],
                    'engine': {'max_num_seqs': k['max_num_seqs'], 'max_num_batched_tokens': k['max_num_batched_tokens'],
                               'max_model_len': k.get('max_model_len'), 'block_size': m['block_size'],
                               'kv_blocks': m['kv_blocks'], 'kv_blocks_source': m['kv_blocks_source']},
                    'workload': {'kind': 'trace', 'requests': m['requests'],
                                 'from': 'the run\'s own requests: arrival at the server, lengths, shared prefixes'},
                    'stages': 0, 'metrics': C_METRICS, 'latency_models': models, 'blocked': blocked,
                    'notes': [], 'fast': ('C/' + run) in FAST, 'peer': 'LLMServingSim'})
    return out


def render(blis):
    doc = {'_about': 'One entry per real experiment of ../shared/sim2real (tests/accuracy/fixtures). '
                     'latency_models: the blis latency models that can run it today; blocked: what is still '
                     'missing for the others (or all). engine.kv_blocks_source: where the KV block count comes '
                     'from (vLLM\'s own, a derivation, or unknown). Written by build_experiments.py.',
           'experiments': a_experiments(blis) + b_experiments(blis) + c_experiments()}
    return json.dumps(doc, indent=1) + '\n'


def main(argv):
    blis = None
    if '--blis' in argv:
        i = argv.index('--blis')
        blis = argv[i + 1] if i + 1 < len(argv) else None
    if not blis or not os.access(blis, os.X_OK):
        sys.stderr.write('usage: build_experiments.py --blis BLIS [--check] (blis model-info derives the KV '
                         'block counts)\n')
        return 2
    text = render(os.path.abspath(blis))
    if '--check' in argv:
        with open(OUT) as f:
            if f.read() != text:
                sys.stderr.write('experiments.json is out of date: run tests/accuracy/build_experiments.py '
                                 '--blis build/blis\n')
                return 1
        return 0
    with open(OUT, 'w') as f:
        f.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
