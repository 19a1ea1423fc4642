#!/bin/sh
# Runs an example agent with a Python that has its package installed.
#
#   examples/agents/run.sh sdk_agent.py --port 9103 --mode writer
#   examples/agents/run.sh pa2a_agent.py --port 9102 --mode critic
#
# The interpreter is, in order: $A2A_PIPE_SDK_PYTHON (for sdk_*.py) or $A2A_PIPE_PA2A_PYTHON
# (for pa2a_*.py); then examples/.venv-sdk or examples/.venv-pa2a (made as in
# examples/README.md); then the test suite's venvs under .build/interop; then python3.
# Works from any directory (pipelines `launch:` it relative to the directory a2a-pipe runs in;
# examples/pipelines/launched.yaml expects the repository root).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
script=${1:?usage: run.sh SCRIPT.py [ARGS...]}
shift
case "$(basename "$script")" in
  pa2a_*) override=${A2A_PIPE_PA2A_PYTHON:-}; candidates="$root/examples/.venv-pa2a $root/.build/interop/venv-pa2a" ;;
  *)      override=${A2A_PIPE_SDK_PYTHON:-};  candidates="$root/examples/.venv-sdk $root/.build/interop/venv-sdk13" ;;
esac
python=$override
if [ -z "$python" ]; then
  for venv in $candidates; do
    if [ -x "$venv/bin/python" ]; then python="$venv/bin/python"; break; fi
  done
fi
python=${python:-python3}
case "$script" in
  /*) ;;
  *) [ -f "$script" ] || script="$here/$script" ;;
esac
exec "$python" "$script" "$@"
