#!/usr/bin/env bash
# Start and stop the emulator. Sourced: emulator_start_private / emulator_stop_private
# (a private emulator on a free port for one command). Run: `scripts/emulator.sh
# start|stop|url` manages the long-lived one that `make demo` leaves running.
STATE_DIR=${STATE_DIR:-.emulator}

_emulator_spawn() {  # $1: state dir; starts python -m emulator on a free port
  mkdir -p "$1"
  rm -f "$1/port"
  nohup .venv/bin/python -m emulator --port "${EMULATOR_PORT:-0}" --port-file "$1/port" >"$1/emulator.log" 2>&1 &
  echo $! >"$1/pid"
  for _ in $(seq 1 200); do
    [ -s "$1/port" ] && break
    kill -0 "$(cat "$1/pid")" 2>/dev/null || { echo "emulator failed to start; see $1/emulator.log" >&2; return 1; }
    sleep 0.1
  done
  [ -s "$1/port" ] || { echo "emulator did not start in 20 s; see $1/emulator.log" >&2; return 1; }
}

emulator_start_private() {
  PRIVATE_EMULATOR_DIR=$(mktemp -d)
  EMULATOR_PORT=0 _emulator_spawn "$PRIVATE_EMULATOR_DIR"
  export AWS_ENDPOINT_URL="http://127.0.0.1:$(cat "$PRIVATE_EMULATOR_DIR/port")"
  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=ap-northeast-1
}

emulator_stop_private() {
  kill "$(cat "$PRIVATE_EMULATOR_DIR/pid")" 2>/dev/null || true
  rm -rf "$PRIVATE_EMULATOR_DIR"
}

emulator_running() {
  [ -s "$STATE_DIR/pid" ] && kill -0 "$(cat "$STATE_DIR/pid")" 2>/dev/null && [ -s "$STATE_DIR/port" ]
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  cd "$(dirname "$0")/.."
  case "${1:-}" in
    start)
      if emulator_running; then echo "emulator already running on port $(cat "$STATE_DIR/port")"
      else _emulator_spawn "$STATE_DIR"; echo "emulator started on port $(cat "$STATE_DIR/port")"; fi ;;
    stop)
      if emulator_running; then kill "$(cat "$STATE_DIR/pid")"; echo "emulator stopped"; else echo "no emulator running"; fi
      rm -f "$STATE_DIR/pid" "$STATE_DIR/port" ;;
    url)
      emulator_running && echo "http://127.0.0.1:$(cat "$STATE_DIR/port")" ;;
    *) echo "usage: $0 start|stop|url" >&2; exit 2 ;;
  esac
fi
