/**
 * Every fixed text of the certificate of notarization (存证证书), in Chinese and English. The
 * font subset script (scripts/subset-font.mjs) reads this file so each character here is covered.
 */
export const CERTIFICATE_LABELS = {
  title: { zh: '存证证书', en: 'Certificate of Notarization' },
  intro: {
    zh: '兹证明下列数字指纹已记录于信链联盟链，并由验证节点共同签名确认。',
    en: 'This certifies that the digital fingerprint below was recorded on the Xinlian consortium chain and confirmed by the signatures of its validators.',
  },
  recordId: { zh: '存证编号', en: 'Record ID' },
  kind: { zh: '存证类型', en: 'Kind' },
  fileName: { zh: '文件名称', en: 'File name' },
  size: { zh: '文件大小', en: 'Size' },
  mediaType: { zh: '文件类型', en: 'Media type' },
  digest: { zh: '文件摘要', en: 'Digest' },
  batch: { zh: '批量锚定', en: 'Batch anchor' },
  time: { zh: '上链时间', en: 'Recorded at' },
  height: { zh: '区块高度', en: 'Block height' },
  blockId: { zh: '区块哈希', en: 'Block hash' },
  txId: { zh: '交易哈希', en: 'Transaction ID' },
  signer: { zh: '提交者地址', en: 'Submitter address' },
  validators: { zh: '签名验证者', en: 'Signing validators' },
  chain: { zh: '链标识', en: 'Chain ID' },
  suite: { zh: '密码套件', en: 'Crypto suite' },
  genesisHash: { zh: '创世哈希', en: 'Genesis hash' },
  issuedAt: { zh: '证书生成时间', en: 'Certificate issued' },
  verify: { zh: '扫码核验', en: 'Scan to verify' },
  howTo: {
    zh: '核验方法：在核验页面上传原文件与回执，或运行 xinlian evidence verify。核验只需信任上面的创世哈希。',
    en: 'To verify: open the verification page with the original file and the receipt, or run xinlian evidence verify. Verification trusts only the genesis hash above.',
  },
  leafOf: { zh: '叶子', en: 'leaf' },
  of: { zh: '共', en: 'of' },
  bytes: { zh: '字节', en: 'bytes' },
  suiteGm: { zh: '国密 SM2/SM3/SM4', en: 'GM: SM2/SM3/SM4' },
  suiteIntl: { zh: '国际 Ed25519/SHA-256/AES-GCM', en: 'Intl: Ed25519/SHA-256/AES-GCM' },
  kinds: {
    evidence: { zh: '数据存证', en: 'Evidence' },
    copyright: { zh: '版权登记', en: 'Copyright registration' },
    license: { zh: '授权许可', en: 'License' },
    infringement: { zh: '侵权取证', en: 'Infringement evidence' },
    batch: { zh: '批量锚定', en: 'Batch anchor' },
  },
  beijingTime: { zh: '北京时间', en: 'UTC+8' },
} as const;
