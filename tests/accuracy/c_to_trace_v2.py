#!/usr/bin/env python3
"""Write a real C_ run (sim2real C_llmservingsim-bench) as a REAL trace v2: every request with
the times vLLM measured, so `blis fit` can read it (engine/fit/readers, read_trace_v2_observed;
docs/fit-inputs.md).

usage: c_to_trace_v2.py SOURCE OUT.yaml [--limit N]

SOURCE is either
  * an experiment id of tests/accuracy/experiments.json (e.g. C/RTX4090/Llama-3.1-8B): its
    fixture tests/accuracy/fixtures/C_*.csv.gz, which keeps the real TTFT and E2E in ms, or
  * a vLLM requests.jsonl of the sim2real data (.../<hw>/<model>/vllm/requests.jsonl), with
    vLLM's own monotonic timestamps in seconds.
OUT.yaml gets the header, OUT.csv beside it the rows (time_unit us, mode real).

Times, as LLMServingSim measures these runs (../shared/sim2real/README.txt): a request is sent
when vLLM queued it, so TTFT = first_token - queued and E2E = last_token - queued, and its
first and last chunk are the first and last token. From the fixture, send = its arrival and
the chunks are send + TTFT and send + E2E, rounded to whole microseconds. vLLM streams one token
per chunk here (no speculative decoding), so num_chunks is the output token count. Prefix
sharing (the blis columns) comes with the fixture; requests.jsonl does not record it.
Standard library only.
"""
import argparse
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the checkout
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import acc_commands  # noqa: E402
import acc_fixtures  # noqa: E402

HEADER = 'trace_version: 2\ntime_unit: us\nmode: real\nwarm_up_requests: 0\n'


def from_fixture(experiment_id):
    """rows of a C_ experiment's fixture: send = arrival, chunks at send + TTFT / + E2E (µs)"""
    exps = {e['id']: e for e in acc_fixtures.load_experiments()}
    if experiment_id not in exps or exps[experiment_id].get('source') != 'C':
        names = sorted(k for k, e in exps.items() if e.get('source') == 'C')
        raise SystemExit('c_to_trace_v2: error: %s is not a C_ experiment of experiments.json (known: %s)'
                         % (experiment_id, ', '.join(names)))
    rows = []
    for r in acc_fixtures.c_requests(exps[experiment_id]):
        send = int(r['arrival_us'])
        rows.append({'id': r['id'], 'input': int(r['input_tokens']), 'output': int(r['output_tokens']),
                     'send': send, 'first': send + round(float(r['real_ttft_ms']) * 1000),
                     'last': send + round(float(r['real_e2e_ms']) * 1000),
                     'prefix_source': r['prefix_source'], 'prefix_tokens': r['prefix_tokens']})
    return rows, True


def from_requests_jsonl(path):
    """rows of vLLM's requests.jsonl: times relative to the first queued request (µs)"""
    raw = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                rid = r['request_id']
                number = int(rid.rsplit('-', 1)[-1]) if isinstance(rid, str) else int(rid)
                raw.append((number, int(r['input_toks']), int(r['output_toks']), float(r['queued_ts']),
                            float(r['first_token_ts']), float(r['last_token_ts'])))
            except (ValueError, KeyError, TypeError) as e:
                raise SystemExit('c_to_trace_v2: error: %s:%d: %s' % (path, n, e))
    if not raw:
        raise SystemExit('c_to_trace_v2: error: %s has no requests' % path)
    t0 = min(r[3] for r in raw)
    us = lambda t: round((t - t0) * 1e6)  # noqa: E731
    return [{'id': number, 'input': inp, 'output': out, 'send': us(queued), 'first': us(first), 'last': us(last),
             'prefix_source': '', 'prefix_tokens': ''}
            for number, inp, out, queued, first, last in raw], False


def write_trace(rows, header_path, sharing):
    data_path = os.path.splitext(header_path)[0] + '.csv'
    with open(header_path, 'w') as f:
        f.write(HEADER)
    columns = acc_commands.TRACE_COLUMNS if sharing else acc_commands.TRACE_COLUMNS.rsplit(',', 2)[0]
    with open(data_path, 'w') as f:
        f.write(columns + '\n')
        for r in sorted(rows, key=lambda r: (r['send'], r['id'])):
            cells = [r['id'], 'sharegpt', '', '', '', 0, '', 'true', r['input'], r['output'], 0, 0, 0, 0, 0,
                     r['send'], r['send'], r['first'], r['last'], r['output'], 'ok', '']
            if sharing:
                cells += [r['prefix_source'], r['prefix_tokens']]
            f.write(','.join(str(x) for x in cells) + '\n')
    return data_path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', help='a C_ experiment id of experiments.json, or a vLLM requests.jsonl')
    parser.add_argument('out', help='the trace header to write (its .csv goes beside it)')
    parser.add_argument('--limit', type=int, help='only the first N requests (by send time)')
    args = parser.parse_args(argv)
    if args.source.endswith('.jsonl'):
        rows, sharing = from_requests_jsonl(args.source)
    else:
        rows, sharing = from_fixture(args.source)
    rows.sort(key=lambda r: (r['send'], r['id']))
    if args.limit is not None:
        rows = rows[:args.limit]
        if sharing:  # a prefix source left out of the file cannot be referred to
            kept = {str(r['id']) for r in rows}
            for r in rows:
                if r['prefix_source'] not in ('', None) and str(r['prefix_source']) not in kept:
                    r['prefix_source'], r['prefix_tokens'] = '', ''
    data = write_trace(rows, args.out, sharing)
    print('wrote %s and %s (%d requests)' % (args.out, data, len(rows)))


if __name__ == '__main__':
    main()
