#!/bin/bash
# The walkthrough network of docs/governance.md: a permissioned gm chain (one validator node) with
# the organizations org1, org2 and the regulator "cac", their admin keys and org CAs.
#
#   docs/walkthrough/governance-setup.sh [DIR]     (DIR default ./govdemo; API port $PORT, default 18480)
#
# Run it from anywhere after `npm ci && npm run build` in the repository; it uses that checkout's CLI.
# Then, in DIR: start the node in another terminal with the same passphrase,
#   XINLIAN_PASSPHRASE=demo-pass node <repo>/packages/cli/bin/xinlian.js start --home node1   (npx xinlian … in the repo)
# and run the commands of docs/governance.md §2–§8 in DIR with
#   export XINLIAN_NODE=http://127.0.0.1:$PORT XINLIAN_PASSPHRASE=demo-pass
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
DIR=${1:-govdemo}
PORT=${PORT:-18480}
mkdir -p "$DIR" && cd "$DIR"
xinlian() { node "$REPO/packages/cli/bin/xinlian.js" "$@"; }
export XINLIAN_PASSPHRASE=demo-pass
xinlian init --home node1 --suite gm --chain-id demo --port "$PORT" --json > init.json
for o in org1 org2; do xinlian ca init --dir ca-$o --org $o --suite gm --json > /dev/null; done
for k in org1-admin org2-admin inspector; do xinlian keys new --suite gm --out $k.key --json > /dev/null; done
pub() { xinlian keys show "$1" --json | jq -r .publicKey; }
jq --arg c1 "$(cat ca-org1/ca.pem)" --arg c2 "$(cat ca-org2/ca.pem)" \
   --arg a1 "$(pub org1-admin.key)" --arg a2 "$(pub org2-admin.key)" --arg r "$(pub inspector.key)" \
  '.governance = {permissioned: true,
    organizations: [{id:"org1",name:"Org One",caCertificate:$c1},{id:"org2",name:"Org Two",caCertificate:$c2},{id:"cac",name:"Regulator"}],
    members: [{org:"org1",role:"admin",publicKey:$a1,name:"org1-admin"},{org:"org2",role:"admin",publicKey:$a2,name:"org2-admin"},{org:"cac",role:"regulator",publicKey:$r,name:"inspector"}],
    votingPolicy: {kind:"MAJORITY"},
    filing: {operator:"Demo Co., Ltd.",serviceName:"Demo Evidence Chain",filingNumber:"京网信备11010000000000000001号"}}' \
  node1/genesis.json > g.json && mv g.json node1/genesis.json
echo "ready: $(pwd)/node1 (API port $PORT); start it with: XINLIAN_PASSPHRASE=demo-pass node $REPO/packages/cli/bin/xinlian.js start --home $(pwd)/node1"
