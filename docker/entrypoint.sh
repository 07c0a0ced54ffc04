#!/usr/bin/env bash
# Entrypoint of the Entente image (also runnable directly, which the test suite does).
#   ENTENTE_DATA          node directory (default /data)
#   ENTENTE_EXAMPLE       an example node id from certs-example/ (demo only: starts with --demo)
#   ENTENTE_PEERS         example peer ids to register with a demo agreement (space separated)
#   ENTENTE_NODE_ID, ENTENTE_NAME, ENTENTE_COUNTRY, ENTENTE_URL   for `entente init` when not an example
#   ENTENTE_FEDERATION_LISTEN (default 0.0.0.0:8443), ENTENTE_OPERATOR_LISTEN (default 127.0.0.1:8080)
#   ENTENTE_CMD           how to run the CLI (default: node /app/bin/entente.js)
set -euo pipefail
APP="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${ENTENTE_DATA:-/data}"
CMD="${ENTENTE_CMD:-node $APP/bin/entente.js}"
FED="${ENTENTE_FEDERATION_LISTEN:-0.0.0.0:8443}"
OP="${ENTENTE_OPERATOR_LISTEN:-127.0.0.1:8080}"
DEMO=()

if [[ -n "${ENTENTE_EXAMPLE:-}" ]]; then
  DEMO=(--demo)
  if [[ ! -f "$DATA/config.json" ]]; then
    $CMD provision-example --example "$APP/certs-example/$ENTENTE_EXAMPLE" --dir "$DATA" --federation-listen "$FED" --operator-listen "$OP"
  fi
elif [[ ! -f "$DATA/config.json" ]]; then
  : "${ENTENTE_NODE_ID:?set ENTENTE_NODE_ID (or ENTENTE_EXAMPLE for the demo alliance)}"
  $CMD init --dir "$DATA" --node-id "$ENTENTE_NODE_ID" --name "${ENTENTE_NAME:-$ENTENTE_NODE_ID}" \
    --country "${ENTENTE_COUNTRY:?set ENTENTE_COUNTRY}" --federation-listen "$FED" --operator-listen "$OP" ${ENTENTE_URL:+--url "$ENTENTE_URL"}
fi

$CMD start --dir "$DATA" "${DEMO[@]}" &
NODE_PID=$!
trap 'kill -TERM "$NODE_PID" 2>/dev/null; wait "$NODE_PID"; exit $?' TERM INT

if [[ -n "${ENTENTE_PEERS:-}" ]]; then
  OP_URL="http://${OP/0.0.0.0/127.0.0.1}"
  for _ in $(seq 1 100); do
    if node -e "fetch('$OP_URL/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then break; fi
    sleep 0.2
  done
  for peer in $ENTENTE_PEERS; do
    bundle="$DATA/peer-$peer.bundle.json"
    fp="$($CMD bundle --dir "$APP/certs-example/$peer" 2>&1 >"$bundle" | sed -n 's/^fingerprint: //p')"
    agreement="$DATA/agreement-$peer.json"
    printf '{"partner":"%s","reference":"DEMO-%s","validFrom":"2025-01-01","validUntil":"2030-12-31","share":{"denial":{"maxTlp":"AMBER"},"finding":{"maxTlp":"AMBER"}}}\n' "$peer" "$peer" >"$agreement"
    $CMD partner add --dir "$DATA" --bundle "$bundle" --fingerprint "$fp" --agreement "$agreement" >/dev/null || echo "entrypoint: could not register $peer" >&2
  done
fi

wait "$NODE_PID"
