#!/bin/sh
# One pod of a Kubernetes Indexed Job running a blis experiment: shard $JOB_COMPLETION_INDEX of
# $BLIS_SHARDS, written to $BLIS_SHARD_DIR (a shared volume). See k8s_indexed_job.yaml.
set -eu
script=${1:?usage: k8s_shard.sh EXPERIMENT.lua [--name=value ...]}
shift
index=${JOB_COMPLETION_INDEX:?not running in an Indexed Job}
count=${BLIS_SHARDS:?set BLIS_SHARDS to the number of completions}
dir=${BLIS_SHARD_DIR:-/shards}
mkdir -p "$dir"
exec "${BLIS:-blis}" "$script" "$@" --jobs "${BLIS_JOBS:-1}" --shard "$index/$count" \
     --shard-out "$dir/shard-$index-of-$count.json"
