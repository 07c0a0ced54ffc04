#!/usr/bin/env bash
# Entrypoint of the Entente image (also runnable directly, which the test suite does).
#   ENTENTE_DATA          node directory (default /data)
#   ENTENTE_EXAMPLE       an example node id from certs-example/ (demo only: starts with --demo)
#   ENTENTE_PEERS         example peer ids to register with a demo agreement (space separated)
#   ENTENTE_NODE_ID, ENTENTE_NAME, ENTENTE_COUNTRY, ENTENTE_URL   for `entente init` when not an example
#   ENTENTE_EXERCISE=1    `entente init --exercise`: an exercise node (invented data, exercise partners only)
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
    --country "${ENTENTE_COUNTRY:?set ENTENTE_COUNTRY}" --federation-listen "$FED" --operator-listen "$OP" ${ENTENTE_URL:+--url "$ENTENTE_URL"} \
    ${ENTENTE_EXERCISE:+--exercise}
fi

$CMD start --dir "$DATA" "${DEMO[@]}" &
NODE_PID=$!
trap 'kill -TERM "$NODE_PID" 2>/dev/null; wait "$NODE_PID"; exit $?' TERM INT

if [[ -n "${ENTENTE_PEERS:-}" ]]; then
  # the node writes the addresses it listens on to $DATA/run.json once both listeners are bound
  # (port 0 in the listen settings gets a port from the kernel); the CLI reads it too
  for _ in $(seq 1 150); do
    if node -e "const r=require('$DATA/run.json');fetch(r.operator.url+'/healthz').then(x=>process.exit(x.ok?0:1),()=>process.exit(1))" 2>/dev/null; then break; fi
    sleep 0.2
  done
  FROM_DAY="$(date -u -d '-30 days' +%F)"
  UNTIL_DAY="$(date -u -d '+1 year' +%F)"
  for peer in $ENTENTE_PEERS; do
    bundle="$DATA/peer-$peer.bundle.json"
    fp="$($CMD bundle --dir "$APP/certs-example/$peer" 2>&1 >"$bundle" | sed -n 's/^fingerprint: //p')"
    agreement="$DATA/agreement-$peer.json"
    printf '{"partner":"%s","reference":"DEMO-%s","validFrom":"%s","validUntil":"%s","share":{"denial":{"maxTlp":"AMBER"},"finding":{"maxTlp":"AMBER"}}}\n' "$peer" "$peer" "$FROM_DAY" "$UNTIL_DAY" >"$agreement"
    $CMD partner add --dir "$DATA" --bundle "$bundle" --fingerprint "$fp" --agreement "$agreement" >/dev/null || echo "entrypoint: could not register $peer" >&2
  done
fi

wait "$NODE_PID"
