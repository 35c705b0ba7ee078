#!/bin/bash
# A Blindsight experiment split over a Slurm job array: task K of N runs shard K of the matrix.
#
#   sbatch deploy/experiment-slurm.sh            # 8 tasks, 0–7
#   # when all are done:
#   blindsight experiment merge results/exp1/shard-* --out results/exp1/all
#
# SLURM_ARRAY_TASK_ID (0–7 here) picks the shard through --shard auto/8. Resubmitting the array (or one
# task, --array=3) resumes: runs already in a shard's results.jsonl are skipped. The model servers run
# elsewhere (vLLM / Ollama on GPU nodes); the tasks only need their URLs and a few CPU cores each.
#SBATCH --job-name=blindsight-exp1
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
#SBATCH --mem=2G
#SBATCH --time=04:00:00
#SBATCH --output=results/exp1/slurm-%A_%a.log
set -euo pipefail

export OPENAI_BASE_URL="${OPENAI_BASE_URL:-http://gpu-node-1:8000/v1}"
export OLLAMA_HOST="${OLLAMA_HOST:-http://gpu-node-2:11434}"

blindsight experiment run --plan plans/exp1.yaml --shard "auto/${SLURM_ARRAY_TASK_COUNT:-8}" --concurrency 8 \
    --out "results/exp1/shard-${SLURM_ARRAY_TASK_ID}"
