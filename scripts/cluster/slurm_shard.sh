#!/bin/bash
# One Slurm array task of a blis experiment: runs shard $SLURM_ARRAY_TASK_ID of N and writes its
# results file. Submit the whole sweep (and the merge) with slurm_submit.sh; see
# docs/experiments.md#running-on-slurm.
#SBATCH --job-name=blis-sweep
#SBATCH --cpus-per-task=4
#SBATCH --output=blis-sweep-%A_%a.out
set -euo pipefail
script=${1:?usage: sbatch --array=0-<N-1> slurm_shard.sh EXPERIMENT.lua [--name=value ...]}
shift
blis=${BLIS:-blis}
index=${SLURM_ARRAY_TASK_ID:?not running as a Slurm array task}
# SLURM_ARRAY_TASK_COUNT is set by Slurm 20.11 and later; older ones give the highest index.
count=${SLURM_ARRAY_TASK_COUNT:-$(( ${SLURM_ARRAY_TASK_MAX:?} + 1 ))}
dir=${BLIS_SHARD_DIR:-shards}
mkdir -p "$dir"
exec "$blis" "$script" "$@" --jobs "${SLURM_CPUS_PER_TASK:-1}" --shard "$index/$count" \
     --shard-out "$dir/shard-$index-of-$count.json"
