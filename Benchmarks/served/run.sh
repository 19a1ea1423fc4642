#!/usr/bin/env bash
# Benchmarks/served/run.sh: the served path as a user of `a2a-pipe serve` meets it, side by side
# with the hand-written a2a-sdk 1.3.0 relay chain, over real loopback sockets, in one run.
#
#   bash Benchmarks/served/run.sh            # about 25 minutes on 2 cores (release build first)
#
# Three parts, each with an a2a-sdk 1.3.0 source agent and 1 and 3 chained relays of both kinds
# (every a2a-pipe hop is `a2a-pipe serve Benchmarks/served/relay.yaml`, one remote stage):
#   1. SDK source (the SDK's own executor): time to first chunk with chunks 20 ms apart,
#      100 concurrent streams, throughput, idle RSS        (harness/run_baseline.sh, phases a c b)
#   2. raw source (a fast hand-written responder on the same stack): throughput, where the
#      relays, not the source, are the ceiling             (harness/run_baseline.sh, phase b)
#   3. memory: BENCH_MEMORY_RUNS (1,000) streams of 20,000 chunks through one a2a-pipe hop
#      (raw source, --max-tasks 10 so retention is not what is measured): RSS after 10 runs
#      and after the last.
# Results: $BENCH_OUT (default ${TMPDIR:-/tmp}/a2a-pipe-bench/served-<UTC stamp>), one folder per
# part, and summary.md with every table. The harness's knobs (BENCH_REPS, BENCH_BUDGET_S, …;
# harness/run_baseline.sh) pass through. BENCH_PARTS="1 2 3" picks parts.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
HARNESS=$HERE/harness
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${BENCH_OUT:-${TMPDIR:-/tmp}/a2a-pipe-bench/served-$STAMP}
RUNS=${BENCH_MEMORY_RUNS:-1000}
PARTS=${BENCH_PARTS:-1 2 3}
CACHE=${A2A_BENCH_CACHE:-$HOME/.cache/a2a-pipe-bench}
VENV=${BENCH_VENV:-$CACHE/bench}
PY=$VENV/bin/python

log() { printf '[served-bench %5ss] %s\n' "$SECONDS" "$*" >&2; }
die() { log "error: $*"; exit 1; }
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 10 ]] || die "BENCH_MEMORY_RUNS must be a number >= 10"

log "building a2a-pipe (release)"
(cd "$ROOT" && swift build -c release --product a2a-pipe >&2)
BIN=$(cd "$ROOT" && swift build -c release --show-bin-path)/a2a-pipe
[[ -x $BIN ]] || die "no release binary at $BIN"
mkdir -p "$OUT"
RELAY_CMD="env BENCH_UPSTREAM={upstream} $BIN serve $HERE/relay.yaml --port {port}"
export A2A_PIPE_RELAY_CMD=$RELAY_CMD A2A_PIPE_LABEL=a2a-pipe

for part in $PARTS; do
  case $part in
    1)
      log "part 1: SDK source, phases a c b"
      BENCH_OUT=$OUT/sdk BENCH_SOURCE_ENGINE=sdk BENCH_PHASES=${BENCH_PHASES:-a c b} bash "$HARNESS/run_baseline.sh"
      ;;
    2)
      log "part 2: raw source, throughput"
      BENCH_OUT=$OUT/raw BENCH_SOURCE_ENGINE=raw BENCH_PHASES=b bash "$HARNESS/run_baseline.sh"
      ;;
    3)
      log "part 3: memory over $RUNS runs of 20,000 chunks through one served hop"
      [[ -x $PY ]] || die "no bench virtualenv at $VENV (part 1 or 2 creates it)"
      mkdir -p "$OUT/memory"
      port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
      SP=$(port); RP=$(port)
      "$PY" "$HARNESS/source_agent.py" --port "$SP" --engine raw >"$OUT/memory/source.log" 2>&1 &
      SPID=$!
      BENCH_UPSTREAM=http://127.0.0.1:$SP "$BIN" serve "$HERE/relay.yaml" --port "$RP" --max-tasks 10 >"$OUT/memory/relay.log" 2>&1 &
      RPID=$!
      trap 'kill $SPID $RPID 2>/dev/null || true' EXIT
      for url in "http://127.0.0.1:$SP" "http://127.0.0.1:$RP"; do
        for _ in $(seq 1 300); do
          curl -fsS -m 2 -o /dev/null "$url/.well-known/agent-card.json" 2>/dev/null && break
          sleep 0.1
        done
      done
      "$PY" "$HARNESS/measure.py" --rss "relay=$RPID" --tag phase=memory-idle >"$OUT/memory/results.jsonl"
      timeout 3600 "$PY" "$HARNESS/measure.py" --url "http://127.0.0.1:$RP" --message 'n:20000 size:16 delay:0' \
        --repeat "$RUNS" --timeout 300 --rss "relay=$RPID" --tag phase=memory >>"$OUT/memory/results.jsonl" || log "some memory run failed (see results.jsonl)"
      kill $SPID $RPID 2>/dev/null || true
      trap - EXIT
      "$PY" "$HERE/memory_summary.py" "$OUT/memory/results.jsonl" | tee "$OUT/memory/table.md"
      ;;
    *) die "unknown part '$part' in BENCH_PARTS" ;;
  esac
done

{
  echo "# a2a-pipe serve beside the a2a-sdk relay chain ($STAMP, $(nproc) cores, $(git -C "$ROOT" rev-parse --short HEAD))"
  for d in sdk raw memory; do
    [[ -f $OUT/$d/table.md ]] && { echo; echo "## $d"; echo; cat "$OUT/$d/table.md"; }
  done
} >"$OUT/summary.md"
log "done in ${SECONDS}s: $OUT/summary.md"
