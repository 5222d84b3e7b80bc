"""The blis command line of each experiment and the workload files it reads.

The inference-perf workload is built in exactly one place, inference_perf_workload(): today it
is the WorkloadSpec's compact `inference_perf:` block run in corrected mode; when blis reads
inference-perf's own config files (issue #13, item 6) only that function changes.
"""
import os

import acc_fixtures

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TRACE_COLUMNS = ('request_id,client_id,tenant_id,slo_class,session_id,round_index,prefix_group,streaming,'
                 'input_tokens,output_tokens,text_tokens,image_tokens,audio_tokens,video_tokens,reason_ratio,'
                 'arrival_time_us,send_time_us,first_chunk_time_us,last_chunk_time_us,num_chunks,status,'
                 'error_message,blis_prefix_source,blis_prefix_tokens')


def repo_path(rel):
    return os.path.join(REPO, rel)


def trace_workload(exp, workdir):
    """A C_ run's own requests as trace v2: arrival at the server, lengths, and the earlier
    request whose prompt each one's prefix repeats (blis_prefix_source/tokens)."""
    header = os.path.join(workdir, 'trace.yaml')
    with open(header, 'w') as f:
        f.write('trace_version: 2\ntime_unit: us\nmode: real\nwarm_up_requests: 0\n')
    with open(os.path.join(workdir, 'trace.csv'), 'w') as f:
        f.write(TRACE_COLUMNS + '\n')
        for r in acc_fixtures.c_requests(exp):
            f.write(','.join(str(x) for x in (
                r['id'], 'sharegpt', '', '', '', 0, '', 'true', r['input_tokens'], r['output_tokens'], 0, 0, 0, 0, 0,
                r['arrival_us'], r['arrival_us'], 0, 0, 0, 'ok', '', r['prefix_source'], r['prefix_tokens'])) + '\n')
    return ['--workload-trace', header]


def _profile(exp):
    """(shared_prefix dict, stages list) of an inference-perf experiment"""
    if exp['source'] == 'A':
        p = acc_fixtures.a_run(exp['fixture_key'])['profile']
        return p['data']['shared_prefix'], p['load']['stages']
    p = acc_fixtures.workload_profile(exp['workload']['name'])
    keys = ('system_prompt_len', 'question_len', 'output_len', 'num_unique_system_prompts',
            'num_users_per_system_prompt')
    shared = {k: p[k] for k in keys}
    shared['enable_multi_turn_chat'] = True  # every sim2real profile (workload_profiles.json _note)
    return shared, p['stages']


def inference_perf_workload(exp, workdir):
    shared, stages = _profile(exp)
    lines = ['inference_perf:', '  stages:']
    lines += ['    - {rate: %s, duration: %s}' % (s['rate'], s['duration']) for s in stages]
    lines.append('  shared_prefix:')
    lines += ['    %s: %s' % (k, str(v).lower() if isinstance(v, bool) else v) for k, v in sorted(shared.items())]
    spec = os.path.join(workdir, 'workload.yaml')
    with open(spec, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return ['--workload-spec', spec]


def stage_bounds_s(exp):
    """stage start times in seconds (the last entry is the end of the last stage)"""
    if exp['workload']['kind'] != 'inference_perf':
        return None
    bounds = [0.0]
    for s in _profile(exp)[1]:
        bounds.append(bounds[-1] + float(s['duration']))
    return bounds


def latency_args(exp, latency_model):
    spec = exp['latency_models'][latency_model]
    if latency_model == 'roofline':
        return ['--model', spec['blis_model'], '--hardware', exp['gpu'],
                '--hardware-config', repo_path(spec['hardware_config']),
                '--model-config-folder', repo_path(spec['model_config'])]
    # blackbox: the defaults row of (model, GPU, TP) supplies coefficients and KV blocks; a GPU
    # blis has no row for is run with the H100 row, which is what a user gets today
    gpu = exp['gpu'] if exp['gpu'] in ('H100', 'A100-80') else 'H100'
    return ['--model', spec['blis_model'], '--hardware', gpu, '--vllm-version', spec['vllm_version']]


def blis_command(blis, exp, latency_model, workdir, results_path, extra_args=()):
    eng = exp['engine']
    cmd = [blis, 'run'] + latency_args(exp, latency_model) + [
        '--tp', str(exp['tp']),
        '--defaults-filepath', repo_path('model_configs/defaults.yaml'),
        '--max-num-running-reqs', str(eng['max_num_seqs']),
        '--max-num-scheduled-tokens', str(eng['max_num_batched_tokens']),
        '--block-size-in-tokens', str(eng['block_size']),
        '--compat', 'corrected', '--results-path', results_path]
    if eng.get('kv_blocks'):
        cmd += ['--total-kv-blocks', str(eng['kv_blocks'])]
    if eng.get('max_model_len'):
        cmd += ['--max-model-len', str(eng['max_model_len'])]
    if exp['workload']['kind'] == 'trace':
        cmd += trace_workload(exp, workdir)
    else:
        cmd += inference_perf_workload(exp, workdir)
    # last, so a flag given here (run_accuracy.py --blis-arg) wins over the suite's
    return cmd + list(extra_args)
