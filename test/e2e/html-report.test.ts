/**
 * The HTML report in a real browser: Debian's chromium driven by playwright-core. The page must
 * render, make no network request at all (every request is blocked and recorded), log no console
 * error and run no injected script; a screenshot is kept under test-artifacts/ as the artefact.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { captureIO } from '../cli/helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve('test-artifacts');
const work = mkdtempSync(join(tmpdir(), 'warden-html-'));

interface Watch {
  readonly requests: string[];
  readonly errors: string[];
  readonly dialogs: string[];
}

let ctx: BrowserContext;

async function auditHtml(cwd: string, target: string, out: string): Promise<void> {
  const c = captureIO(cwd);
  const code = await run(
    ['audit', target, '--format', 'html', '--output', out, '--no-progress', '--as-of', '2026-01-01'],
    c.io,
  );
  expect([0, 1], c.err()).toContain(code);
}

async function open(file: string): Promise<{ page: Page; watch: Watch }> {
  const page = await ctx.newPage();
  const url = pathToFileURL(file).href;
  const watch: Watch = { requests: [], errors: [], dialogs: [] };
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    watch.requests.push(u);
    return route.abort();
  });
  page.on('request', (r) => {
    if (r.url() !== url && !watch.requests.includes(r.url())) watch.requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error') watch.errors.push(m.text());
  });
  page.on('pageerror', (e) => watch.errors.push(String(e)));
  page.on('dialog', (d) => {
    watch.dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(url, { waitUntil: 'load' });
  return { page, watch };
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  ctx = await chromium.launchPersistentContext(join(work, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await ctx?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('HTML report in headless chromium', () => {
  it('renders the demo-project audit offline: summary, charts, every finding, working filters', async () => {
    const out = join(work, 'demo.html');
    await auditHtml(process.cwd(), 'examples/demo-project', out);
    const c = captureIO(process.cwd());
    await run(['audit', 'examples/demo-project', '--format', 'json', '--no-progress', '--as-of', '2026-01-01'], c.io);
    const findings = (JSON.parse(c.out()) as { findings: { severity: string }[] }).findings;

    const { page, watch } = await open(out);
    expect(await page.locator('h1').textContent()).toMatch(/posture \d+\/100 \(grade F\)/);
    expect(await page.locator('#risks tbody tr').count()).toBe(10);
    expect(await page.locator('article.finding').count()).toBe(findings.length);
    const charts = page.locator('svg.chart');
    expect(await charts.count()).toBe(5);
    for (const box of await Promise.all((await charts.all()).map((l) => l.boundingBox())))
      expect(box?.width ?? 0).toBeGreaterThan(200);
    await expect.poll(() => page.locator('#shown').textContent()).toBe(String(findings.length));

    // The severity filter hides critical findings; the text filter narrows to one file.
    await page.locator('[data-filter-sev="critical"]').uncheck();
    const critical = findings.filter((f) => f.severity === 'critical').length;
    expect(await page.locator('#shown').textContent()).toBe(String(findings.length - critical));
    expect(await page.locator('article.finding[data-sev="critical"]:visible').count()).toBe(0);
    await page.locator('[data-filter-sev="critical"]').check();
    await page.locator('#q').fill('chat.ts');
    expect(await page.locator('details.file:visible').count()).toBe(1);
    await page.locator('#q').fill('');

    await page.screenshot({ path: join(ARTIFACTS, 'audit-report.png'), fullPage: true });
    expect(watch.requests).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(watch.dialogs).toEqual([]);
  });

  it('does not run or fetch anything planted in scanned file names and code (stored XSS attempt)', async () => {
    const project = join(work, 'hostile');
    mkdirSync(project, { recursive: true });
    const beacon = 'http://127.0.0.1:9/beacon';
    writeFileSync(
      join(project, `"><img src=${beacon.replace(/\//g, '%2F')} onerror=alert(1)>.py`),
      `import torch\nm = torch.load("</script><script>alert(2);fetch('${beacon}')</script>")\n`,
    );
    writeFileSync(
      join(project, 'app.py'),
      `import pickle\nx = pickle.loads(b"<svg onload=alert(3)><img src=${beacon}>")\n`,
    );
    const out = join(work, 'hostile.html');
    await auditHtml(project, '.', out);
    expect(readFileSync(out, 'utf8')).toContain('&lt;/script&gt;&lt;script&gt;alert(2)');

    const { page, watch } = await open(out);
    expect(await page.locator('article.finding').count()).toBe(2);
    expect(await page.locator('#files').textContent()).toContain("</script><script>alert(2);fetch('");
    expect(await page.locator('img').count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, 'audit-report-hostile.png'), fullPage: true });
    expect(watch.requests).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(watch.errors).toEqual([]);
  });
});
