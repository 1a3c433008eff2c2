/**
 * Browser tests of the web console: Debian's Chromium driven by playwright-core against a real
 * node process (`xinlian dev`, intl suite so the temporary WebCrypto SHA-256 hasher applies).
 * Skipped when Chromium is missing, except in CI (CI=true), where that is a failure.
 * With XINLIAN_SCREENSHOTS=DIR the main pages are saved there (desktop and phone widths).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildTx, decryptKeyFile, digestOf, evidenceArgs, XinlianClient } from '@xinlian/sdk';
import { PDFDocument } from 'pdf-lib';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CLI = fileURLToPath(new URL('../../../cli/dist/src/bin.js', import.meta.url));
const NODE_MAIN = fileURLToPath(new URL('../../../node/dist/src/main.js', import.meta.url));
const DEV_PASSPHRASE = 'dev-only-passphrase';
const SHOTS =
  process.env.XINLIAN_SCREENSHOTS === undefined ? undefined : resolve(process.env.XINLIAN_SCREENSHOTS);
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === 'true') {
  throw new Error(`CI=true but Chromium is missing at ${CHROMIUM} (apt-get install -y chromium)`);
}

const run = promisify(execFile);

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => res(port));
    });
  });
}

interface DevNode {
  readonly url: string;
  readonly proc: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `xinlian dev` on `port` and resolves once it reports ready. */
function startDev(home: string, port: number, suite: 'gm' | 'intl' = 'intl'): Promise<DevNode> {
  const proc = spawn(
    process.execPath,
    [CLI, 'dev', '--home', home, '--suite', suite, '--port', String(port), '--log-level', 'warn', '--json'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      rej(new Error(`xinlian dev did not start: ${stderr}`));
    }, 30_000);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const ev = JSON.parse(line) as { event?: string; apiUrl?: string };
      if (ev.event === 'ready') {
        clearTimeout(timer);
        res({
          url: ev.apiUrl!,
          proc,
          stop: async () => {
            if (proc.exitCode === null && proc.signalCode === null) {
              proc.kill('SIGTERM');
              await exited;
            }
          },
        });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`xinlian dev exited with ${code}: ${stderr}`));
    });
  });
}

interface Submitted {
  readonly digest: { algorithm: string; value: string };
  readonly recordId: string;
  readonly txId: string;
  readonly height: number;
  readonly receipt: string;
}

/** Notarizes a file with the CLI (the console cannot sign yet) and returns what it reports. */
async function submit(nodeUrl: string, home: string, file: string): Promise<Submitted> {
  const { stdout } = await run(process.execPath, [
    CLI,
    'evidence',
    'submit',
    file,
    '--node',
    nodeUrl,
    '--home',
    home,
    '--json',
  ]);
  return (JSON.parse(stdout) as { files: Submitted[] }).files[0]!;
}

/** Waits until the overview's block commit latency chart (the second chart) shows a value in ms and a plot. */
async function latencyChartLive(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const chart = document.querySelectorAll('figure.chart')[1];
      return (
        /ms$/.test(chart?.querySelector('figcaption strong')?.textContent ?? '') &&
        chart?.querySelector('svg path, svg circle') !== null
      );
    },
    undefined,
    { timeout: 20_000 },
  );
}

describe('web console in Chromium', {
  skip: haveChromium ? false : `no Chromium at ${CHROMIUM}`,
  timeout: 180_000,
}, () => {
  let dir: string;
  let home: string;
  let port: number;
  let node: DevNode | undefined;
  let ctx: BrowserContext;
  let page: Page;
  let first: Submitted;
  let evidenceFile: string;
  /** Account of the dev client key (the CLI's submitter). */
  let submitter = '';
  /** Console errors of the page; `allowNetworkErrors` while the node is deliberately down. */
  const errors: string[] = [];
  let allowNetworkErrors = false;

  const base = () => `http://127.0.0.1:${port}`;
  const shot = async (name: string) => {
    if (SHOTS === undefined) return;
    // The UI's fallback CJK web font (machines without Chinese fonts) loads on first use.
    await page.evaluate(async () => {
      await document.fonts.load('16px "Xinlian CJK"', '信链');
      await document.fonts.ready;
    });
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  };
  const heading = () => page.locator('main h1').first();

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-console-'));
    home = join(dir, 'home');
    port = await freePort();
    node = await startDev(home, port);
    evidenceFile = join(dir, '采购合同.txt');
    await writeFile(evidenceFile, 'Xinlian console browser test 信链\n');
    first = await submit(node.url, home, evidenceFile);
    if (SHOTS !== undefined) await mkdir(SHOTS, { recursive: true });
    ctx = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      acceptDownloads: true,
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (
        allowNetworkErrors &&
        /Failed to load resource: (net::ERR_|the server responded with a status of 403)|net::ERR_CONNECTION_REFUSED/.test(
          m.text(),
        )
      )
        return;
      errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await ctx?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loads the overview in Chinese by default, with the validator and height', async () => {
    await page.goto(`${base()}/`);
    assert.equal(await heading().textContent(), '网络概览');
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByRole('cell', { name: /validator-0/ }).waitFor();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=height]')?.textContent) >= 1,
    );
    await page.locator('[data-testid=stream-state]', { hasText: '实时' }).waitFor();
    await shot('overview-desktop');
    assert.deepEqual(errors, []);
  });

  it('switches to English and back; the choice persists across reloads', async () => {
    await page.getByTestId('lang-switch').click();
    assert.equal(await heading().textContent(), 'Network overview');
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.reload();
    assert.equal(await heading().textContent(), 'Network overview');
    await shot('overview-desktop-en');
    await page.getByTestId('lang-switch').click();
    assert.equal(await heading().textContent(), '网络概览');
    await page.reload();
    assert.equal(await heading().textContent(), '网络概览');
    assert.deepEqual(errors, []);
  });

  it('browses blocks, a block and its transaction', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '区块' }).click();
    assert.equal(await heading().textContent(), '区块');
    await page.getByTestId('blocks-table').locator('tbody tr').first().waitFor();
    await shot('blocks-desktop');
    await page
      .getByRole('link', { name: `#${first.height}`, exact: true })
      .first()
      .click();
    assert.equal(await heading().textContent(), `区块 #${first.height}`);
    const txLink = page.getByTestId('block-txs').locator(`a[title="${first.txId}"]`);
    await txLink.click();
    assert.equal(await heading().textContent(), '交易');
    await page.getByText('evidence.submit').waitFor();
    await page.getByText(first.txId).first().waitFor();
    await shot('tx-desktop');
    assert.equal(new URL(page.url()).pathname, `/txs/${first.txId}`);
    assert.deepEqual(errors, []);
  });

  it('searches by height, tx hash, evidence digest and account; says when nothing matches', async () => {
    const search = async (q: string) => {
      await page.getByTestId('search-input').fill(q);
      await page.getByTestId('search-input').press('Enter');
    };
    await search(String(first.height));
    await page.waitForURL(`**/blocks/${first.height}`);
    await search(first.txId);
    await page.waitForURL(`**/txs/${first.txId}`);
    await search(first.digest.value.toUpperCase());
    await page.waitForURL(`**/records/${first.recordId}`);
    assert.equal(await heading().textContent(), '存证记录');
    await page.getByText('采购合同.txt').waitFor();
    await shot('record-desktop');
    await search('00'.repeat(32));
    await page.getByTestId('search-result').filter({ hasText: '未找到' }).waitFor();
    await search('not a hash');
    await page.getByTestId('search-result').filter({ hasText: '请输入' }).waitFor();
    const address = (await page.evaluate(
      async () => (await (await fetch('/v1/status')).json()).validators[0].address,
    )) as string;
    await search(address);
    await page.waitForURL(`**/accounts/${address}`);
    // The submitter of the first record: its account page lists that tx.
    submitter = (await page.evaluate(
      async (id) => (await (await fetch(`/v1/evidence/records/${id}`)).json()).submitter,
      first.recordId,
    )) as string;
    await search(submitter);
    await page.waitForURL(`**/accounts/${submitter}`);
    assert.equal(await heading().textContent(), '账户');
    await page.getByTestId('account-txs').locator(`a[title="${first.txId}"]`).waitFor();
    assert.deepEqual(errors, []);
  });

  it("lists an account's transactions page by page, newest first", async () => {
    // 22 more txs of the dev client key (signed here with the SDK): a page of 20 and the rest.
    const client = new XinlianClient({ url: base() });
    const key = decryptKeyFile(await readFile(join(home, 'keys', 'client.key'), 'utf8'), DEV_PASSPHRASE);
    const status = await client.status();
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      const tx = buildTx({
        chainId: status.chainId,
        key,
        ...evidenceArgs.submit({
          digests: [digestOf('sha256', new TextEncoder().encode(`page ${i} ${Date.now()}`))],
        }),
        expiryHeight: status.height + 100,
      });
      ids.push(
        i === 21 ? (await client.submitTx(tx, { wait: 'commit' })).txId : (await client.submitTx(tx)).txId,
      );
    }
    const address = (await client.getTx(ids[0]!)).tx.signerAddress;
    const all = (await client.accountTxs(address, { limit: 100 })).txs.map((t) => t.txId);
    await page.goto(`${base()}/accounts/${address}`);
    const rows = page.getByTestId('account-txs').locator('tbody tr');
    await page.getByTestId('account-more').waitFor();
    assert.equal(await rows.count(), 20);
    assert.equal(await rows.first().locator('a[title]').first().getAttribute('title'), all[0]);
    assert.ok(all.length > 20 && all.length <= 40, `${all.length} txs`);
    // From the keyboard: the button is focusable and Enter loads the next page.
    await page.getByTestId('account-more').focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid=account-txs] tbody tr').length === n,
      all.length,
    );
    assert.equal(await page.getByTestId('account-more').count(), 0, 'no more pages');
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => tr.querySelector('a[title]')?.getAttribute('title')),
    );
    assert.deepEqual(shown, all);
    for (const id of ids) assert.ok(all.includes(id), id);
    await shot('account-desktop');
    assert.deepEqual(errors, []);
  });

  it('shows organizations, members with roles and validators from governance', async () => {
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '成员机构' }).click();
    assert.equal(await heading().textContent(), '成员机构');
    const gov = (await page.evaluate(async () => ({
      members: await (await fetch('/v1/governance/members')).json(),
      status: await (await fetch('/v1/governance')).json(),
    }))) as {
      members: { address: string; role: string; org: string }[];
      status: { organizations: string[] };
    };
    await page.getByTestId('org-row').first().waitFor();
    assert.equal(await page.getByTestId('org-row').count(), gov.status.organizations.length);
    assert.equal(await page.getByTestId('member-row').count(), gov.members.length);
    assert.ok(gov.members.length >= 1);
    const m = gov.members[0]!;
    const row = page.getByTestId('member-row').filter({ has: page.locator(`a[title="${m.address}"]`) });
    assert.match(String(await row.textContent()), m.role === 'admin' ? /管理员/ : /./);
    assert.match(String(await row.textContent()), /有效/);
    await page.getByTestId('validator-entry').filter({ hasText: 'validator-0' }).waitFor();
    await page.getByText('开放（任何账户均可发起交易）').waitFor();
    await shot('members-desktop');
    await page.getByTestId('lang-switch').click();
    assert.equal(await heading().textContent(), 'Organizations');
    await page.getByText('open (any account may send transactions)').waitFor();
    await page.getByTestId('member-row').filter({ hasText: 'Active' }).first().waitFor();
    await page.getByTestId('lang-switch').click();
    assert.equal(await heading().textContent(), '成员机构');
    assert.deepEqual(errors, []);
  });

  it('updates the height live from the block stream (no reload)', async () => {
    await page.getByRole('link', { name: '概览' }).click();
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid=height]')?.textContent) >= 1,
    );
    const before = Number(await page.getByTestId('height').textContent());
    const secondFile = join(dir, 'second.txt');
    await writeFile(secondFile, `second ${Date.now()}\n`);
    const second = await submit(node!.url, home, secondFile);
    assert.ok(second.height > before);
    await page.waitForFunction(
      (h) => Number(document.querySelector('[data-testid=height]')?.textContent?.replace(/,/g, '')) >= h,
      second.height,
    );
    await page
      .getByTestId('recent-blocks')
      .getByRole('link', { name: `#${second.height}` })
      .waitFor();
    // The block commit latency chart has a live value (ms) once a block committed between two polls.
    await latencyChartLive(page);
    await shot('overview-live-desktop');
    assert.deepEqual(errors, []);
  });

  it('hashes a file in the browser, finds its record and downloads the certificate PDF', async () => {
    await page.getByRole('link', { name: '存证', exact: true }).click();
    assert.equal(await heading().textContent(), '数据存证');
    await page.getByTestId('evidence-file').setInputFiles(evidenceFile);
    await page.getByTestId('file-digest').filter({ hasText: first.digest.value }).waitFor();
    await page.getByText('该摘要已存证').waitFor();
    await shot('evidence-desktop');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载存证证书（PDF）' }).click(),
    ]);
    const pdf = await readFile((await download.path())!);
    if (SHOTS !== undefined) await writeFile(join(SHOTS, 'certificate.pdf'), pdf);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdf.length > 5_000 && pdf.length < 200_000, `certificate is ${pdf.length} bytes`);
    const doc = await PDFDocument.load(pdf, { updateMetadata: false });
    assert.equal(doc.getTitle(), `存证证书 Certificate of Notarization ${first.recordId}`);
    assert.equal(doc.getSubject(), `sha256:${first.digest.value}`);
    assert.deepEqual(errors, []);
  });

  it('notarizes files from the console with an imported key: single, batch, receipt, certificate, refusals', async () => {
    await page.getByRole('link', { name: '存证', exact: true }).click();
    const keyFile = join(home, 'keys', 'client.key');
    // A wrong passphrase is refused clearly (scrypt runs in the worker).
    await page.getByTestId('key-file').setInputFiles(keyFile);
    await page.getByLabel('口令').fill('not-the-passphrase');
    await page.getByRole('button', { name: '导入并解锁' }).click();
    await page.getByTestId('signer-error').filter({ hasText: '口令错误' }).waitFor();
    await page.getByLabel('口令').fill('dev-only-passphrase');
    await page.getByRole('button', { name: '导入并解锁' }).click();
    const address = String(await page.getByTestId('signer-address').textContent({ timeout: 15_000 }));
    assert.match(address, /^[0-9a-f]{40}$/);

    // One new file: hashed, not on chain, signed in the browser, committed, receipt and certificate.
    const single = join(dir, '新合同.txt');
    const singleText = `notarized from the console ${Date.now()}\n`;
    await writeFile(single, singleText);
    await page.getByTestId('evidence-file').setInputFiles(single);
    await page.getByText('该摘要尚未存证').waitFor();
    await page.getByRole('button', { name: '提交存证', exact: true }).click();
    await page.getByTestId('notarized').waitFor({ timeout: 30_000 });
    await page.getByText('该摘要已存证').waitFor();
    const digest = createHash('sha256').update(singleText).digest('hex');
    await page.getByTestId('file-digest').filter({ hasText: digest }).waitFor();
    const lookupRes = await fetch(`${base()}/v1/evidence/sha256/${digest}`);
    const lookup = (await lookupRes.json()) as {
      record: { submitter: string; fileName: string; id: string };
    };
    assert.ok(lookup.record, `${lookupRes.status} ${JSON.stringify(lookup)}`);
    assert.equal(lookup.record.submitter, address);
    assert.equal(lookup.record.fileName, '新合同.txt');
    await shot('evidence-notarized-desktop');
    const [receiptDl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载回执（JSON）' }).click(),
    ]);
    const receiptPath = join(dir, 'console.receipt.json');
    await writeFile(receiptPath, await readFile((await receiptDl.path())!));
    const [pdfDl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载存证证书（PDF）' }).click(),
    ]);
    const doc = await PDFDocument.load(await readFile((await pdfDl.path())!), { updateMetadata: false });
    assert.equal(doc.getTitle(), `存证证书 Certificate of Notarization ${lookup.record.id}`);
    assert.equal(doc.getSubject(), `sha256:${digest}`);
    // The downloaded receipt verifies with the file; changed, it fails.
    await page.getByRole('link', { name: '核验', exact: true }).click();
    await page.getByTestId('verify-file').setInputFiles(single);
    await page.getByTestId('verify-receipt').setInputFiles(receiptPath);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '核验通过' }).waitFor();
    const tampered = JSON.parse(await readFile(receiptPath, 'utf8')) as { block: { height: number } };
    tampered.block.height += 1;
    const tamperedPath = join(dir, 'tampered.receipt.json');
    await writeFile(tamperedPath, JSON.stringify(tampered));
    await page.getByTestId('verify-receipt').setInputFiles(tamperedPath);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '核验未通过' }).waitFor();

    // Two files: one anchorBatch tx; each file then has its record (the batch) and receipt.
    await page.getByRole('link', { name: '存证', exact: true }).click();
    const batch = [join(dir, 'batch-a.txt'), join(dir, 'batch-b.txt')];
    for (const [i, f] of batch.entries()) await writeFile(f, `batch ${i} ${Date.now()}\n`);
    await page.getByTestId('evidence-file').setInputFiles(batch);
    await page.getByRole('button', { name: '批量存证（2 个文件，一笔交易）' }).click();
    await page.getByTestId('notarized').filter({ hasText: '2 个文件' }).waitFor({ timeout: 30_000 });
    await page.getByText('该摘要已存证').nth(1).waitFor();

    // A node refusal (RFC 7807 problem) is shown with its code, e.g. an unregistered account.
    await page.route('**/v1/evidence?wait=commit', (r) =>
      r.fulfill({
        status: 403,
        contentType: 'application/problem+json',
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Forbidden',
          status: 403,
          code: 'GOV_NOT_AUTHORIZED',
          detail: 'the account is not registered',
        }),
      }),
    );
    const refused = join(dir, 'refused.txt');
    await writeFile(refused, `refused ${Date.now()}\n`);
    allowNetworkErrors = true;
    await page.getByTestId('evidence-file').setInputFiles(refused);
    await page.getByRole('button', { name: '提交存证', exact: true }).click();
    await page
      .getByTestId('evidence-error')
      .filter({ hasText: 'GOV_NOT_AUTHORIZED: the account is not registered' })
      .waitFor();
    await page.unroute('**/v1/evidence?wait=commit');
    allowNetworkErrors = false;
    assert.deepEqual(errors, []);
  });

  it('verifies a file and its receipt step by step, and names the failing step for another file', async () => {
    await page.getByRole('link', { name: '核验', exact: true }).click();
    await page.getByTestId('verify-file').setInputFiles(evidenceFile);
    await page.getByTestId('verify-receipt').setInputFiles(first.receipt);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '核验通过' }).waitFor();
    const steps = page.getByTestId('verify-steps').locator('li');
    assert.ok((await steps.count()) >= 10);
    assert.equal(await page.getByTestId('verify-steps').locator('li.fail').count(), 0);
    await shot('verify-desktop');
    const other = join(dir, 'tampered.txt');
    await writeFile(other, 'Xinlian console browser test 信链!\n');
    await page.getByTestId('verify-file').setInputFiles(other);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '文件摘要' }).waitFor();
    assert.equal(await page.getByTestId('verify-steps').locator('li.fail').count(), 1);
    // Opened from a certificate's QR code: the digest alone.
    await page.goto(`${base()}/verify?alg=sha256&digest=${first.digest.value}`);
    await page.getByTestId('verify-verdict').filter({ hasText: '核验通过' }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('fits a phone screen without horizontal scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, name] of [
      ['/', 'overview-phone'],
      ['/blocks', 'blocks-phone'],
      [`/records/${first.recordId}`, 'record-phone'],
      ['/evidence', 'evidence-phone'],
      ['/members', 'members-phone'],
      [`/accounts/${submitter}`, 'account-phone'],
      [`/txs/${first.txId}`, 'tx-phone'],
    ] as const) {
      await page.goto(`${base()}${path}`);
      await heading().waitFor();
      await page.waitForLoadState('networkidle').catch(() => undefined);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} overflows by ${overflow}px at 390px`);
      await shot(name);
    }
    await page.setViewportSize({ width: 1280, height: 860 });
    assert.deepEqual(errors, []);
  });

  it('is usable from the keyboard: skip link, focus order, visible focus', async () => {
    await page.goto(`${base()}/`);
    await heading().waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), '跳到主要内容');
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
    assert.equal(outline, 'solid');
    // Tab reaches the brand, the language switch, the navigation and the search box, in that order.
    const order: string[] = [];
    for (let i = 0; i < 9; i++) {
      await page.keyboard.press('Tab');
      order.push(
        await page.evaluate(
          () =>
            document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.textContent ?? '',
        ),
      );
    }
    const iLang = order.indexOf('lang-switch');
    const iBlocks = order.indexOf('区块');
    const iSearch = order.indexOf('search-input');
    assert.ok(iLang >= 0 && iBlocks > iLang && iSearch > iBlocks, order.join(' | '));
    await page.keyboard.press('Enter');
    assert.deepEqual(errors, []);
  });

  it('says clearly when the node is unreachable, and recovers on retry', async () => {
    await page.goto(`${base()}/`);
    await heading().waitFor();
    allowNetworkErrors = true;
    await node!.stop();
    await page.getByTestId('unreachable').waitFor({ timeout: 20_000 });
    assert.match(String(await page.getByTestId('unreachable').textContent()), /无法连接到节点/);
    await page.locator('[data-testid=stream-state]', { hasText: '离线' }).waitFor();
    await shot('unreachable-desktop');
    await page.getByRole('button', { name: '重试' }).click();
    await page.getByRole('button', { name: '重试' }).waitFor();
    assert.equal(await page.getByTestId('unreachable').count(), 1);
    node = await startDev(home, port);
    // The console also recovers by itself (status poll, stream reconnect), so the banner may be gone
    // before Retry is clicked: a click that finds no button is fine, the banner must go either way.
    await page
      .getByRole('button', { name: '重试' })
      .click({ timeout: 2_000 })
      .catch(() => undefined);
    await page.getByTestId('unreachable').waitFor({ state: 'detached', timeout: 20_000 });
    allowNetworkErrors = false;
    await page.locator('[data-testid=stream-state]', { hasText: '实时' }).waitFor({ timeout: 20_000 });
    assert.deepEqual(errors, []);
  });
});

describe('web console on a gm (SM3) chain', {
  skip: haveChromium ? false : `no Chromium at ${CHROMIUM}`,
  timeout: 120_000,
}, () => {
  let dir: string;
  let home: string;
  let node: DevNode | undefined;
  let ctx: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-console-gm-'));
    home = join(dir, 'home');
    node = await startDev(home, await freePort(), 'gm');
    ctx = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
      acceptDownloads: true,
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await ctx?.close();
    await node?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('hashes a file with SM3 in the browser, finds its record and verifies it offline', async () => {
    const file = join(dir, 'gm.txt');
    await writeFile(file, 'SM3 chain\n');
    const done = await submit(node!.url, home, file);
    assert.equal(done.digest.algorithm, 'sm3');
    await page.goto(`${node!.url}/evidence`);
    await page.getByTestId('evidence-file').setInputFiles(file);
    await page.getByTestId('file-digest').filter({ hasText: done.digest.value }).waitFor();
    assert.match(String(await page.getByTestId('file-digest').textContent()), /^SM3/);
    await page.getByText('该摘要已存证').waitFor();
    await page.goto(`${node!.url}/verify`);
    await page.getByTestId('verify-file').setInputFiles(file);
    await page.getByTestId('verify-receipt').setInputFiles(done.receipt);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '核验通过' }).waitFor();
    assert.equal(await page.getByTestId('verify-steps').locator('li.fail').count(), 0);
    assert.equal(await page.getByTestId('verify-steps').locator('li.pass').count(), 15);
    const genesisHash = (await page.evaluate(
      async () => (await (await fetch('/v1/status')).json()).genesisHash,
    )) as string;
    assert.match(
      String(await page.getByTestId('verify-trust').textContent()),
      new RegExp(`离线.*${genesisHash}`),
    );
    // A receipt with one byte changed fails at the step that covers it.
    const receipt = JSON.parse(await readFile(done.receipt, 'utf8')) as { block: { height: number } };
    receipt.block.height += 1;
    const bad = join(dir, 'bad.receipt.json');
    await writeFile(bad, JSON.stringify(receipt));
    await page.getByTestId('verify-receipt').setInputFiles(bad);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '核验未通过' }).waitFor();
    assert.ok((await page.getByTestId('verify-steps').locator('li.fail').count()) >= 1);
    // The certificate's QR code opens the page with the digest: verified from the node's receipt.
    await page.goto(`${node!.url}/verify?alg=sm3&digest=${done.digest.value}`);
    await page.getByTestId('verify-verdict').filter({ hasText: '核验通过' }).waitFor();
    assert.deepEqual(errors, []);
  });

  it('notarizes from the console: SM3 in the browser, an SM2 signature by the worker, a receipt that verifies', async () => {
    await page.goto(`${node!.url}/evidence`);
    await page.getByTestId('key-file').setInputFiles(join(home, 'keys', 'client.key'));
    await page.getByLabel('口令').fill(DEV_PASSPHRASE);
    await page.getByRole('button', { name: '导入并解锁' }).click();
    const address = String(await page.getByTestId('signer-address').textContent({ timeout: 15_000 }));
    assert.match(address, /^[0-9a-f]{40}$/);
    const file = join(dir, '国密存证.txt');
    const text = `SM2 signed in the browser ${Date.now()}\n`;
    await writeFile(file, text);
    await page.getByTestId('evidence-file').setInputFiles(file);
    await page.getByText('该摘要尚未存证').waitFor();
    const digest = String(await page.getByTestId('file-digest').textContent())
      .replace(/^SM3\s*/, '')
      .match(/[0-9a-f]{64}/)?.[0];
    assert.ok(digest !== undefined);
    await page.getByRole('button', { name: '提交存证', exact: true }).click();
    await page.getByTestId('notarized').waitFor({ timeout: 30_000 });
    await page.getByText('该摘要已存证').waitFor();
    // On chain: an sm3 digest, submitted by the browser key, in a tx signed with SM2 (gm suite).
    const lookup = (await (await fetch(`${node!.url}/v1/evidence/sm3/${digest}`)).json()) as {
      record: { submitter: string; txId: string; digests: { algorithm: string; value: string }[] };
    };
    assert.equal(lookup.record.submitter, address);
    assert.deepEqual(lookup.record.digests, [{ algorithm: 'sm3', value: digest }]);
    const tx = (await (await fetch(`${node!.url}/v1/txs/${lookup.record.txId}`)).json()) as {
      status: string;
      tx: { signerAddress: string; signature: string };
    };
    assert.equal(tx.status, 'committed');
    assert.equal(tx.tx.signerAddress, address);
    // The receipt downloaded from the console verifies offline in the browser (all 15 steps)…
    const [dl] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: '下载回执（JSON）' }).click(),
    ]);
    const receiptPath = join(dir, 'gm-console.receipt.json');
    await writeFile(receiptPath, await readFile((await dl.path())!));
    await page.goto(`${node!.url}/verify`);
    await page.getByTestId('verify-file').setInputFiles(file);
    await page.getByTestId('verify-receipt').setInputFiles(receiptPath);
    await page.getByRole('button', { name: '开始核验' }).click();
    await page.getByTestId('verify-verdict').filter({ hasText: '核验通过' }).waitFor();
    assert.equal(await page.getByTestId('verify-steps').locator('li.pass').count(), 15);
    assert.equal(await page.getByTestId('verify-steps').locator('li.fail').count(), 0);
    // …and with the CLI (Node's OpenSSL SM2/SM3), independently of the browser's noble code.
    const { stdout } = await run(process.execPath, [
      CLI,
      'evidence',
      'verify',
      file,
      receiptPath,
      '--genesis',
      join(home, 'genesis.json'),
      '--json',
    ]);
    assert.equal((JSON.parse(stdout) as { ok: boolean }).ok, true, stdout);
    assert.deepEqual(errors, []);
  });
});

describe('web console on a 4-organization BFT network', {
  skip: haveChromium ? false : `no Chromium at ${CHROMIUM}`,
  timeout: 240_000,
}, () => {
  let dir: string;
  let net: ChildProcess | undefined;
  let nodes: { org: string; apiUrl: string; pid: number }[] = [];
  /** A validator restarted by the test (stopped in after()). */
  let restarted: ChildProcess | undefined;
  let ctx: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'xinlian-console-net-'));
    const netDir = join(dir, 'net');
    const [apiPort, p2pPort] = [await freePort(), await freePort()];
    await run(process.execPath, [
      CLI,
      'net',
      'init',
      '--dir',
      netDir,
      '--suite',
      'intl',
      '--api-port',
      String(apiPort),
      '--p2p-port',
      String(p2pPort),
      '--json',
    ]);
    // A 1 s heartbeat (a validator is reported silent after 3 heartbeats) keeps the test short.
    for (const org of ['org1', 'org2', 'org3', 'org4']) {
      const path = join(netDir, org, 'config.json');
      const config = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
      config.consensus = { ...(config.consensus as object | undefined), emptyBlockMs: 1_000 };
      // org1 serves the console: a short wait=commit (the pending test halts the chain).
      if (org === 'org1') config.api = { ...(config.api as object), commitWaitMs: 3_000 };
      await writeFile(path, JSON.stringify(config, null, 2));
    }
    const proc = spawn(
      process.execPath,
      [CLI, 'net', 'up', '--dir', netDir, '--log-level', 'warn', '--json'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    net = proc;
    let stderr = '';
    proc.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    nodes = await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`net up did not start: ${stderr}`)), 60_000);
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const ev = JSON.parse(line) as {
          event?: string;
          nodes?: { org: string; apiUrl: string; pid: number }[];
        };
        if (ev.event === 'ready' && ev.nodes !== undefined) {
          clearTimeout(timer);
          res(ev.nodes);
        }
      });
      proc.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`net up exited with ${code}: ${stderr}`));
      });
    });
    ctx = await chromium.launchPersistentContext(join(dir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 860 },
    });
    page = ctx.pages()[0] ?? (await ctx.newPage());
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  });

  after(async () => {
    await ctx?.close();
    if (restarted !== undefined && restarted.exitCode === null && restarted.signalCode === null) {
      const exited = new Promise((r) => restarted!.once('exit', r));
      restarted.kill('SIGKILL');
      await exited;
    }
    if (net !== undefined && net.exitCode === null && net.signalCode === null) {
      const exited = new Promise((r) => net!.once('exit', r));
      net.kill('SIGTERM');
      await exited;
    }
    for (const n of nodes) {
      try {
        process.kill(n.pid, 'SIGKILL');
      } catch {
        // already stopped
      }
    }
    await rm(dir, { recursive: true, force: true });
  });

  it('shows the 4 validators with their status, the height advancing, and a killed validator as silent', async () => {
    const rows = page.getByTestId('validator-row');
    await page.goto(`${nodes[0]!.apiUrl}/`);
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=validator-row][data-state=ok]').length === 4,
    );
    assert.equal(await rows.count(), 4);
    const height = async () => Number((await page.getByTestId('height').textContent())?.replace(/,/g, ''));
    const h0 = await height();
    await page.waitForFunction(
      (h) => Number(document.querySelector('[data-testid=height]')?.textContent?.replace(/,/g, '')) > h + 1,
      h0,
    );

    // Notarize from this console with org1's client key: committed by the 4 validators.
    await page.goto(`${nodes[0]!.apiUrl}/evidence`);
    await page.getByTestId('key-file').setInputFiles(join(dir, 'net', 'org1', 'keys', 'client.key'));
    await page.getByLabel('口令').fill('dev-only-passphrase');
    await page.getByRole('button', { name: '导入并解锁' }).click();
    await page.getByTestId('signer-address').waitFor({ state: 'attached' });
    const file = join(dir, 'net.txt');
    await writeFile(file, `four organizations ${Date.now()}\n`);
    await page.getByTestId('evidence-file').setInputFiles(file);
    await page.getByRole('button', { name: '提交存证', exact: true }).click();
    await page.getByTestId('notarized').waitFor({ timeout: 30_000 });

    await page.getByRole('link', { name: '概览' }).click();
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=validator-row][data-state=ok]').length === 4,
    );
    if (SHOTS !== undefined)
      await page.screenshot({ path: join(SHOTS, 'overview-network-desktop.png'), fullPage: true });

    // kill -9 org4's validator: the others keep committing and report it silent (or behind).
    process.kill(nodes[3]!.pid, 'SIGKILL');
    await page.waitForFunction(
      () => {
        const states = [...document.querySelectorAll('[data-testid=validator-row]')].map((r) =>
          r.getAttribute('data-state'),
        );
        return states.length === 4 && states.filter((s) => s === 'ok').length === 3 && states[3] !== 'ok';
      },
      undefined,
      { timeout: 20_000 },
    );
    const h1 = await height();
    await page.waitForFunction(
      (h) => Number(document.querySelector('[data-testid=height]')?.textContent?.replace(/,/g, '')) > h,
      h1,
    );
    // The block commit latency chart shows live values (consensus: start of a height to its commit).
    await latencyChartLive(page);
    if (SHOTS !== undefined)
      await page.screenshot({ path: join(SHOTS, 'overview-network-silent-desktop.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  it('lists the 4 organizations, their members and validators from governance', async () => {
    await page.goto(`${nodes[0]!.apiUrl}/members`);
    await page.getByTestId('org-row').first().waitFor();
    assert.equal(await page.getByTestId('org-row').count(), 4);
    for (const org of ['org1', 'org2', 'org3', 'org4'])
      await page.getByTestId('org-row').filter({ hasText: org }).waitFor();
    assert.equal(await page.getByTestId('validator-entry').count(), 4);
    const members = (await page.evaluate(async () =>
      (await fetch('/v1/governance/members')).json(),
    )) as unknown[];
    assert.equal(await page.getByTestId('member-row').count(), members.length);
    if (SHOTS !== undefined)
      await page.screenshot({ path: join(SHOTS, 'members-network-desktop.png'), fullPage: true });
    assert.deepEqual(errors, []);
  });

  it('shows a tx not committed within the wait as pending with its hash, and as committed once the chain resumes', async () => {
    // org4 is down (previous test); stopping org3 too leaves 2 of 4: no quorum, the chain halts.
    process.kill(nodes[2]!.pid, 'SIGKILL');
    await page.goto(`${nodes[0]!.apiUrl}/evidence`);
    await page.getByTestId('key-file').setInputFiles(join(dir, 'net', 'org1', 'keys', 'client.key'));
    await page.getByLabel('口令').fill(DEV_PASSPHRASE);
    await page.getByRole('button', { name: '导入并解锁' }).click();
    await page.getByTestId('signer-address').waitFor({ state: 'attached' });
    const file = join(dir, 'halted.txt');
    await writeFile(file, `submitted while the chain is halted ${Date.now()}\n`);
    await page.getByTestId('evidence-file').setInputFiles(file);
    await page.getByRole('button', { name: '提交存证', exact: true }).click();
    // The node answers 504 API_TIMEOUT after its 3 s wait: a console error line for the 504 is expected.
    const pending = page.getByTestId('evidence-pending');
    await pending.waitFor({ timeout: 30_000 });
    assert.match(String(await pending.textContent()), /节点已接受该交易，但在等待时间内尚未上链/);
    const txId = String(await pending.locator('a[title]').first().getAttribute('title'));
    assert.match(txId, /^[0-9a-f]{64}$/);
    assert.equal(await page.getByTestId('unreachable').count(), 0, 'not shown as unreachable');
    assert.equal(await page.getByTestId('evidence-error').count(), 0);
    const tx = (await page.evaluate(async (id) => (await fetch(`/v1/txs/${id}`)).json(), txId)) as {
      status: string;
    };
    assert.equal(tx.status, 'pending');
    await page.getByRole('button', { name: '再次检查' }).click();
    await page.getByTestId('evidence-pending-checked').waitFor();
    if (SHOTS !== undefined)
      await page.screenshot({ path: join(SHOTS, 'evidence-pending-desktop.png'), fullPage: true });

    // Restart org3: 3 of 4 again, the chain resumes and commits the tx; the page notices by itself.
    const proc = spawn(
      process.execPath,
      [NODE_MAIN, '--home', join(dir, 'net', 'org3'), '--log-level', 'warn'],
      {
        env: { ...process.env, XINLIAN_PASSPHRASE: DEV_PASSPHRASE },
        stdio: ['ignore', 'ignore', 'ignore'],
      },
    );
    restarted = proc;
    await page.getByTestId('notarized').waitFor({ timeout: 60_000 });
    await page.getByText('该摘要已存证').waitFor();
    assert.equal(await pending.count(), 0);
    const after = (await page.evaluate(async (id) => (await fetch(`/v1/txs/${id}`)).json(), txId)) as {
      status: string;
    };
    assert.equal(after.status, 'committed');
    assert.deepEqual(
      errors.filter((e) => !/status of 504/.test(e)),
      [],
    );
  });
});
