/**
 * The dashboard in a real browser: Debian chromium driven by playwright-core against `warden serve`'s
 * app on 127.0.0.1 (ephemeral port). Screenshots go to test-artifacts/dashboard/ (git-ignored).
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../../src/server/listen.js';
import type { Db } from '../../src/store/db.js';
import { findingHistory } from '../../src/store/findings-repo.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite-db.js';
import { makeApi, PASSWORDS, type Seeded, seed } from './harness.js';

const ARTIFACTS = resolve(process.cwd(), 'test-artifacts', 'dashboard');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let db: Db;
let server: Listening;
let s: Seeded;
let context: BrowserContext;
let page: Page;
let profile: string;
const cspViolations: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  db = await openPglite({ schema: 'dash_browser' });
  await migrate(db);
  s = await seed(db);
  const { api } = makeApi(db);
  server = await listen(api, '127.0.0.1', 0);
  profile = await mkdtemp(join(tmpdir(), 'warden-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: { width: 1280, height: 900 },
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
}, 120_000);

afterAll(async () => {
  await context?.close();
  await server?.close();
  await db?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
});

const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('dashboard in chromium', () => {
  it('sends an anonymous visitor to the sign-in page, then back to the page asked for', async () => {
    await page.goto(`${server.url}/ui/findings`);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
    await shot('01-login');
    await page.fill('input[name=username]', 'triager');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    await expect(page.locator('[role=alert]').textContent()).resolves.toContain('Wrong user name or password');
    await page.fill('input[name=username]', 'triager');
    await page.fill('input[name=password]', PASSWORDS.triager);
    await page.click('button[type=submit]');
    await page.waitForURL(/\/ui\/findings$/);
    expect(await page.locator('#findings tr').count()).toBe(4);
    // The session cookie is not readable from scripts.
    expect(await page.evaluate<string>('document.cookie')).not.toContain('warden_session');
    const cookie = (await context.cookies(`${server.url}/ui/`)).find((c) => c.name === 'warden_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/ui' });
    await shot('02-findings');
  });

  it('shows the overview with a posture score and a drawn severity chart', async () => {
    await page.goto(`${server.url}/ui/`);
    const score = Number(await page.locator('#posture .score').textContent());
    // One critical open finding caps the score at 49 (src/audit/posture.ts).
    expect(score).toBeLessThanOrEqual(49);
    await page.waitForSelector('figure.chart.drawn svg rect.sev.critical');
    expect(await page.locator('#alerts').textContent()).toContain('blocked-rate');
    await shot('03-overview');
  });

  it('accepts a finding with a reason and an expiry, and the history says who and when', async () => {
    const id = s.findingIds[0]!;
    await page.goto(`${server.url}/ui/findings`);
    await page.click(`a[href="/ui/findings/${id}"]`);
    await page.waitForURL(new RegExp(`/ui/findings/${id}$`));
    const until = new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);
    await page.fill('#accept-form input[name=reason]', 'sandboxed loader in production; vendor fix due');
    await page.fill('#accept-form input[name=expires]', until);
    const before = Date.now();
    await page.click('#accept-form button[type=submit]');
    await page.waitForURL(/done=accept/);
    expect(await page.locator('#state').textContent()).toContain('accepted');
    const row = page.locator('#history tr').nth(1);
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toBe('user:triager');
    expect(cells[2]).toBe('open');
    expect(cells[3]).toBe('accepted');
    expect(cells[4]).toBe('sandboxed loader in production; vendor fix due');
    expect(cells[5]).toContain(until);
    const when = Date.parse(cells[0]!.replace(' ', 'T'));
    expect(Math.abs(when - before)).toBeLessThan(2 * 60_000);
    const stored = await findingHistory(db, id);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.actor).toBe('user:triager');
    await shot('04-triage-accepted');
  });

  it('draws the drift chart of a model with the injected shift marked', async () => {
    await page.goto(`${server.url}/ui/drift`);
    await page.click(`a[href="/ui/drift/${s.model}"]`);
    const fig = page.locator('section[data-feature=age] figure.chart.drawn');
    await fig.waitFor();
    expect(await fig.locator('svg polyline.series').count()).toBe(1);
    expect(await fig.locator('svg circle.pt').count()).toBe(24);
    expect(await fig.locator('svg circle.pt.bad').count()).toBe(24 - s.shiftAt);
    expect(await fig.locator('svg line.threshold').count()).toBe(1);
    const calm = page.locator('section[data-feature=country] figure.chart.drawn');
    expect(await calm.locator('svg circle.pt.bad').count()).toBe(0);
    await shot('05-drift');
  });

  it('shows guard activity and the model inventory', async () => {
    await page.goto(`${server.url}/ui/guard`);
    await page.waitForSelector('figure.chart.drawn svg rect');
    expect(await page.locator('#events tr').count()).toBeGreaterThan(10);
    await shot('06-guard');
    await page.goto(`${server.url}/ui/models/${s.model}`);
    expect(await page.locator('table.signatures').textContent()).toContain('release@acme.example');
    expect(await page.locator('table.boms').textContent()).toContain('cyclonedx');
    await shot('07-model');
  });

  it('ran every page without a CSP violation or a script error, and hid the admin page from a triager', async () => {
    const res = await page.goto(`${server.url}/ui/admin`);
    expect(res?.status()).toBe(403);
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('signs out', async () => {
    await page.goto(`${server.url}/ui/`);
    await page.click('header button[type=submit]');
    await page.waitForURL(/\/ui\/login$/);
    await page.goto(`${server.url}/ui/`);
    expect(new URL(page.url()).pathname).toBe('/ui/login');
  });
});
