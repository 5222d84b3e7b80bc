#!/usr/bin/env python3
"""Checks of the accuracy suite's own arithmetic, without blis: the statistics agree with the
published summaries of the real data, and the tolerance check fails on a regression and passes
an improvement. Ends with 'N passed, N failed'."""
import os
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.dirname(HERE))
import acc_commands  # noqa: E402
import acc_fixtures  # noqa: E402
import acc_report  # noqa: E402
import acc_runner  # noqa: E402
import acc_stats  # noqa: E402
import acc_tolerances  # noqa: E402
import c_to_trace_v2  # noqa: E402
from tally import Tally  # noqa: E402


def close(a, b, tol):
    return a is not None and abs(a - b) <= tol


def main():
    t = Tally('accuracy_lib')
    check = lambda name, ok: t.record(name, [] if ok else ['expectation not met'])  # noqa: E731
    # numpy's linear interpolation: percentile([1, 2, 3, 4], 90) == 3.7
    check('percentile interpolates linearly', close(acc_stats.percentile([4, 1, 3, 2], 90), 3.7, 1e-12))
    check('percentile of one value', acc_stats.percentile([5.0], 99) == 5.0)
    # token-weighted ITL: two requests, gaps 10 ms x 9 and 30 ms x 1 -> (90 + 30) / 10
    s = acc_stats.summarize([{'ttft': 5, 'e2e': 95, 'out': 10}, {'ttft': 5, 'e2e': 35, 'out': 2}],
                            ['itl_mean', 'tpot_mean'])
    check('itl_mean is token-weighted', close(s['itl_mean'], 12.0, 1e-12))
    check('tpot_mean is per request', close(s['tpot_mean'], 20.0, 1e-12))

    # per-request errors pair by id; a request missing on one side is left out
    real = {1: {'e2e': 100.0}, 2: {'e2e': 200.0}, 3: {'e2e': 50.0}}
    sim = {1: {'e2e': 110.0}, 2: {'e2e': 150.0}}
    errs = acc_stats.request_errors(real, sim, ['e2e_request_mape', 'e2e_request_ape_p50', 'e2e_mean'])
    check('per-request MAPE', close(errs['e2e_request_mape'], 17.5, 1e-9) and sorted(errs) ==
          ['e2e_request_ape_p50', 'e2e_request_mape'])
    check('per-request |APE| percentile', close(errs['e2e_request_ape_p50'], 17.5, 1e-9))

    exps = {e['id']: e for e in acc_fixtures.load_experiments()}
    # the C_ fixtures reproduce LLMServingSim's validation/summary.txt (vLLM and Sim columns, ms)
    real, peers, reqs = acc_fixtures.real_and_peers(exps['C/RTX4090/Llama-3.1-8B'])
    check('C_ RTX4090 real TTFT mean 65456.6', close(real['summary']['ttft_mean'], 65456.6, 0.1))
    check('C_ RTX4090 real E2E p99 153627.5', close(real['summary']['e2e_p99'], 153627.5, 0.1))
    check('C_ RTX4090 real TPOT p50 30.8', close(real['summary']['tpot_p50'], 30.8, 0.05))
    check('C_ RTX4090 LLMServingSim TTFT mean 65820.2',
            close(peers['llmservingsim']['summary']['ttft_mean'], 65820.2, 0.1))
    check('C_ RTX4090 has 300 requests', len(reqs) == 300)
    real, _, _ = acc_fixtures.real_and_peers(exps['C/RTXPRO6000/Llama-3.1-8B'])
    check('C_ RTXPRO6000 real E2E mean 28200.7', close(real['summary']['e2e_mean'], 28200.7, 0.1))
    # a C_ run written as a real trace v2 keeps its measured times: TTFT and E2E from the chunk times
    rows, sharing = c_to_trace_v2.from_fixture('C/RTX4090/Llama-3.1-8B')
    with tempfile.TemporaryDirectory() as work:
        data = c_to_trace_v2.write_trace(rows, os.path.join(work, 'run.yaml'), sharing)
        lines = open(data).read().splitlines()
    cells = [line.split(',') for line in lines[1:]]
    ttfts = [(int(c[17]) - int(c[16])) / 1000 for c in cells]
    e2es = [(int(c[18]) - int(c[16])) / 1000 for c in cells]
    check('C_ as trace v2: 300 rows with the blis columns', len(cells) == 300 and len(cells[0]) == 24)
    check('C_ as trace v2: TTFT mean 65456.6', close(sum(ttfts) / len(ttfts), 65456.6, 0.1))
    check('C_ as trace v2: E2E p99 153627.5', close(acc_stats.percentile(e2es, 99), 153627.5, 0.1))
    # A_: inference-perf's seconds become ms; stages kept
    real, _, _ = acc_fixtures.real_and_peers(exps['A/llama-2-7b-tp1-codegen'])
    check('A_ summary E2E mean in ms', close(real['summary']['e2e_mean'], 2080.74, 0.01))
    check('A_ has both stages', sorted(real) == ['0', '1', 'summary'])
    # the workload blis runs is what the harness ran: its results/config.yaml prompt pool (10 x 10),
    # not the profile's compact keys (11 x 4 for codegen), and no multi-turn flag
    a_exp = exps['A/llama-2-7b-tp1-codegen']
    with tempfile.TemporaryDirectory() as work:
        args = acc_commands.inference_perf_workload(a_exp, work)
        spec = open(args[1]).read()
    check('A_ workload: 10 x 10 prompts as config.yaml', 'num_unique_system_prompts: 10\n' in spec and
          'num_users_per_system_prompt: 10\n' in spec and 'multi_turn' not in spec)
    check('A_ workload: both stages at their own rate', '{rate: 5, duration: 600}' in spec and
          '{rate: 10, duration: 600}' in spec)
    # stage windows as the faithful reading sends: 1 s in, 2 s between stages
    check('stage windows', acc_commands.stage_windows_s(a_exp) == [(1.0, 601.0), (603.0, 1203.0)])
    check('a trace has no stage windows', acc_commands.stage_windows_s(exps['C/RTX4090/Llama-3.1-8B']) is None)
    # blis's `=== inference-perf Stages ===` block: seconds become the suite's ms metrics
    out = ('=== Simulation Metrics ===\n{}\n=== inference-perf Stages ===\n[{"stage": 0, "successes": {"count": 2, '
           '"latency": {"time_to_first_token": {"mean": 0.02, "median": 0.01, "p90": 0.03, "p99": 0.04}, '
           '"request_latency": {"mean": 2.0}}}}]\n')
    block = acc_runner.stage_block(out)
    got = acc_runner.block_metrics(block[0], ['requests_count', 'ttft_mean', 'ttft_p50', 'e2e_mean', 'e2e_p90'])
    check('stage block read', got == {'requests_count': 2, 'ttft_mean': 20.0, 'ttft_p50': 10.0, 'e2e_mean': 2000.0})
    check('no stage block', acc_runner.stage_block('=== Simulation Metrics ===\n') is None)
    try:
        acc_runner.stage_block('=== inference-perf Stages ===\n[{"stage": \n')
        check('bad stage block refused', False)
    except acc_runner.RunError:
        check('bad stage block refused', True)
    # a block whose stage count disagrees with the results file is an error, not a silent mix
    recs = {1: {'arrival_s': 5.0, 'ttft': 1.0, 'e2e': 2.0, 'out': 2}}
    one_stage = ('=== inference-perf Stages ===\n[{"stage": 0, "successes": {"count": 2, "latency": {}}}, '
                 '{"stage": 1, "successes": {"count": 0, "latency": {}}}]')
    try:
        acc_runner.per_stage(a_exp, recs, one_stage)
        check('stage count mismatch refused', False)
    except acc_runner.RunError as e:
        check('stage count mismatch refused', 'stage 0' in str(e))
    # every experiment is either runnable or says why not
    check('blocked experiments say why', all(e['latency_models'] or e['blocked'] for e in exps.values()))

    # tolerance bands: a regression fails, an improvement passes, a lost value fails
    row = {'experiment': 'X', 'model': 'm', 'sim': 'blis:roofline', 'stage': 'summary', 'metric': 'e2e_mean',
           'real': 100.0, 'predicted': 120.0, 'error_pct': 20.0}
    bands = {acc_tolerances.key(row): acc_tolerances.band(20.0)}
    check('band is error + margin', bands[acc_tolerances.key(row)] == 22.0)
    check('same error passes', acc_tolerances.check([row], bands, {'X'}) == [])
    check('improvement passes', acc_tolerances.check([dict(row, error_pct=-3.0)], bands, {'X'}) == [])
    check('regression fails', len(acc_tolerances.check([dict(row, error_pct=-25.0)], bands, {'X'})) == 1)
    check('lost value fails', len(acc_tolerances.check([], bands, {'X'})) == 1)
    check('experiment not run is not checked', acc_tolerances.check([], bands, set()) == [])
    # a tolerances file that is not one is refused with its name
    with tempfile.NamedTemporaryFile('w', suffix='.json') as f:
        f.write('{"bands": {"X|blis:roofline|summary|e2e_mean": -1}}')
        f.flush()
        try:
            acc_tolerances.load(f.name)
            check('negative band refused', False)
        except acc_tolerances.ToleranceError as e:
            check('negative band refused', f.name in str(e))
    # rows: signed error and per-request errors carried as errors
    rows = acc_report.make_rows({'id': 'X', 'model': 'm', 'metrics': ['e2e_mean', 'e2e_request_mape']},
                                {'summary': {'e2e_mean': 200.0}},
                                {'blis:x': {'summary': {'e2e_mean': 150.0, 'e2e_request_mape': 7.5}}})
    check('signed error', rows[0]['error_pct'] == -25.0 and rows[1]['error_pct'] == 7.5)
    t.finish()


if __name__ == '__main__':
    main()
