#!/bin/bash
# Submits a blis experiment as a Slurm job array of N shards plus a merge job that runs when
# every shard has succeeded and prints the tables (in blis-merge-<jobid>.out):
#   scripts/cluster/slurm_submit.sh 16 scenarios/hypotheses/prefix_affinity.lua [--name=value ...]
set -euo pipefail
count=${1:?usage: slurm_submit.sh N EXPERIMENT.lua [--name=value ...]}
shift
script=${1:?usage: slurm_submit.sh N EXPERIMENT.lua [--name=value ...]}
here=$(cd "$(dirname "$0")" && pwd)
dir=${BLIS_SHARD_DIR:-shards}
array=$(sbatch --parsable --array=0-$((count - 1)) --export=ALL,BLIS_SHARD_DIR="$dir" "$here/slurm_shard.sh" "$@")
sbatch --dependency=afterok:"$array" --job-name=blis-merge --output=blis-merge-%j.out \
       --wrap="${BLIS:-blis} merge $dir/shard-*-of-$count.json"
echo "submitted shards as job $array; the merge runs after them"
