"""The blis command line of each experiment and the workload files it reads.

The inference-perf workload is built in exactly one place, inference_perf_workload(): the
WorkloadSpec's compact `inference_perf:` block with what the harness actually ran (its
results/config.yaml), read faithfully in corrected mode.
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


# What the harness ran when its results/config.yaml is not in the data (the B_ runs): the
# defaults of the inference-perf release of the sim2real campaign, num_groups x
# num_prompts_per_group = 10 x 10. That release did not know the profiles' compact keys
# num_unique_system_prompts / num_users_per_system_prompt; every A_ run's config.yaml (the
# B_ run that is also an A_ run among them) says 10 x 10.
HARNESS_DEFAULT_PROMPTS = (10, 10)
# inference-perf's load.interval default: the pause between stages (docs/workloads.md)
STAGE_INTERVAL_S = 1.0
SHARED_PREFIX_KEYS = ('system_prompt_len', 'question_len', 'output_len')


def _profile(exp):
    """(shared_prefix dict as the harness ran it, stages list) of an inference-perf experiment"""
    groups, per_group = HARNESS_DEFAULT_PROMPTS
    if exp['source'] == 'A':
        run = acc_fixtures.a_run(exp['fixture_key'])
        p, ran = run['profile']['data']['shared_prefix'], run['harness_shared_prefix']
        groups, per_group = ran['num_groups'], ran['num_prompts_per_group']
        stages = run['profile']['load']['stages']
    else:
        p = acc_fixtures.workload_profile(exp['workload']['name'])
        stages = p['stages']
    shared = {k: p[k] for k in SHARED_PREFIX_KEYS}
    # enable_multi_turn_chat (on in every sim2real profile) is left out: the harness release
    # that ran them had no such setting, and blis's faithful reading ignores it as well
    shared['num_unique_system_prompts'] = groups
    shared['num_users_per_system_prompt'] = per_group
    return shared, stages


def inference_perf_workload(exp, workdir):
    """the compact `inference_perf:` block, as the harness ran it; blis reads it faithfully in
    corrected mode (correction inference_perf_faithful, docs/workloads.md)"""
    shared, stages = _profile(exp)
    lines = ['inference_perf:', '  stages:']
    lines += ['    - {rate: %s, duration: %s}' % (s['rate'], s['duration']) for s in stages]
    lines.append('  shared_prefix:')
    lines += ['    %s: %s' % (k, v) for k, v in sorted(shared.items())]
    spec = os.path.join(workdir, 'workload.yaml')
    with open(spec, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return ['--workload-spec', spec]


def stage_windows_s(exp):
    """[(start, end)] in seconds: when each stage sends (docs/workloads.md, faithful reading):
    start_0 = 1 s, start_{k+1} = start_k + duration_k + 2 s (the stage timer starts 1 s after
    the stage, and the next stage follows after load.interval). None for a trace."""
    if exp['workload']['kind'] != 'inference_perf':
        return None
    windows, start = [], STAGE_INTERVAL_S
    for s in _profile(exp)[1]:
        windows.append((start, start + float(s['duration'])))
        start += float(s['duration']) + 2 * STAGE_INTERVAL_S
    return windows


def latency_args(exp, latency_model):
    spec = exp['latency_models'][latency_model]
    if latency_model == 'roofline':
        return ['--model', spec['blis_model'], '--hardware', exp['gpu'],
                '--hardware-config', repo_path(spec['hardware_config']),
                '--model-config-folder', repo_path(spec['model_config'])]
    if latency_model == 'physics':
        # one simulated instance per DP rank; vLLM's front end balances requests over the ranks
        # by their load (docs/latency-models.md, "Deployment")
        dp_args = ['--num-instances', str(exp['dp']), '--routing-policy', 'least-loaded'] if exp['dp'] > 1 else []
        return ['--model', spec['blis_model'], '--latency-model', 'physics', '--hardware', spec['gpu'],
                '--dp', str(exp['dp']), '--ep', str(exp['ep']),
                '--model-config-folder', repo_path(spec['model_config'])] + dp_args
    if latency_model == 'profiled':
        # as physics: one simulated instance per DP rank; --ep sets the experts per rank (MoE)
        dp_args = ['--num-instances', str(exp['dp']), '--routing-policy', 'least-loaded'] if exp['dp'] > 1 else []
        ep_args = ['--ep', str(exp['ep'])] if exp['ep'] > 1 else []
        return ['--model', spec['blis_model'], '--latency-model', 'profiled', '--profile', repo_path(spec['profile']),
                '--model-config-folder', repo_path(spec['model_config'])] + ep_args + dp_args
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
