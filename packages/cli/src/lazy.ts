/**
 * The heavy dependencies (HTTP client, codec and schemas; the node with its database and web
 * server), loaded on first use so that `--help`, usage errors and `keys` start fast.
 */
export const loadSdk = () => import('@xinlian/sdk');
export const loadSdkNode = () => import('@xinlian/sdk/node');
export const loadNode = () => import('@xinlian/node');
