#!/bin/bash
# A running permissioned network (one validator node) with org1, org2 and the regulator "cac".
set -euo pipefail
mkdir -p govdemo && cd govdemo
xinlian() { npx xinlian "$@"; }
export XINLIAN_PASSPHRASE=demo-pass
xinlian init --home node1 --suite gm --chain-id demo --port 18480 --json > init.json
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
