/**
 * Triage through the dashboard's forms, on both store backends (PGlite and the machine's PostgreSQL):
 * every change lands in finding_history with the signed-in user and the time, through the store's
 * triage API and its trigger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { findingHistory } from '../../src/store/findings-repo.js';
import { BACKENDS, type Backend } from '../store/backends.js';
import { type Client, type Harness, login, makeApi, PASSWORDS, type Seeded, seed } from './harness.js';

const BASE = 'http://127.0.0.1';
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86400_000).toISOString().slice(0, 10);

for (const make of BACKENDS) {
  const backend: Backend = make();
  describe(`dashboard triage on ${backend.name}`, () => {
    let db: Db;
    let h: Harness;
    let s: Seeded;
    let triager: Client;

    beforeAll(async () => {
      db = await backend.open();
      s = await seed(db);
      h = makeApi(db);
      triager = (await login(h.api, 'triager', PASSWORDS.triager)).client!;
    });
    afterAll(() => backend.cleanup());

    const post = (id: number, form: Record<string, string>, c: Client = triager) =>
      h.api.app.request(`${BASE}/ui/findings/${id}/triage`, {
        method: 'POST',
        headers: { cookie: c.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ _csrf: c.csrf, ...form }).toString(),
      });
    const state = async (id: number) =>
      (
        await db.query<{
          triage_state: string;
          triage_reason: string | null;
          triage_expires_at: Date | null;
          assignee: string | null;
        }>('SELECT triage_state, triage_reason, triage_expires_at, assignee FROM findings WHERE id = $1', [id])
      ).rows[0]!;

    it('accepts a risk with a reason and an expiry, recorded with who and when', async () => {
      const id = s.findingIds[0]!;
      const before = Date.now();
      const res = await post(id, {
        action: 'accept',
        reason: 'compensating control: sandboxed loader',
        expires: day(30),
      });
      expect(res.status).toBe(303);
      expect(res.headers.get('location')).toBe(`/ui/findings/${id}?done=accept`);
      const row = await state(id);
      expect(row.triage_state).toBe('accepted');
      expect(row.triage_reason).toBe('compensating control: sandboxed loader');
      expect(new Date(row.triage_expires_at!).toISOString()).toBe(`${day(30)}T23:59:59.000Z`);
      const history = await findingHistory(db, id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({ actor: 'user:triager', from_state: 'open', to_state: 'accepted' });
      const when = new Date(history[0]!.changed_at as Date).getTime();
      expect(when).toBeGreaterThanOrEqual(before - 5000);
      expect(when).toBeLessThanOrEqual(Date.now() + 5000);
      const page = await (
        await h.api.app.request(`${BASE}/ui/findings/${id}`, { headers: { cookie: triager.cookie } })
      ).text();
      expect(page).toContain('<td class="actor">user:triager</td>');
    });

    it('assigns without losing the acceptance, then marks fixed and reopens — each change one history row', async () => {
      const id = s.findingIds[0]!;
      expect((await post(id, { action: 'assign', assignee: 'alice' })).status).toBe(303);
      expect(await state(id)).toMatchObject({ triage_state: 'accepted', assignee: 'alice' });
      expect((await post(id, { action: 'fixed', reason: 'loader replaced by safetensors' })).status).toBe(303);
      expect((await post(id, { action: 'reopen' })).status).toBe(303);
      const history = await findingHistory(db, id);
      expect(history.map((x) => x.to_state)).toEqual(['accepted', 'accepted', 'fixed', 'open']);
      expect(history.every((x) => x.actor === 'user:triager')).toBe(true);
      expect(history[1]!.assignee).toBe('alice');
    });

    it('marks a false positive only with a reason', async () => {
      const id = s.findingIds[1]!;
      const missing = await post(id, { action: 'false_positive', reason: '  ' });
      expect(missing.status).toBe(400);
      expect(await missing.text()).toContain('Say why this is a false positive.');
      expect((await post(id, { action: 'false_positive', reason: 'digest pinned in lock file' })).status).toBe(303);
      expect((await state(id)).triage_state).toBe('false_positive');
    });

    it.each([
      ['no expiry', { reason: 'r' }, 'Give the date'],
      ['an expiry in the past', { reason: 'r', expires: day(-1) }, 'must end in the future'],
      ['an expiry beyond a year', { reason: 'r', expires: day(400) }, 'at most 366 days'],
      ['no reason', { reason: '', expires: day(10) }, 'Say why the risk is accepted'],
      ['a malformed date', { reason: 'r', expires: '2030-13-45' }, 'must end in the future'],
    ])('refuses an acceptance with %s', async (_, form, message) => {
      const id = s.findingIds[2]!;
      const before = (await findingHistory(db, id)).length;
      const res = await post(id, { action: 'accept', ...form });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain(message);
      expect(await findingHistory(db, id)).toHaveLength(before);
      expect((await state(id)).triage_state).toBe('open');
    });

    it('lets a viewer read the history but not change it', async () => {
      const viewer = (await login(h.api, 'viewer', PASSWORDS.viewer)).client!;
      const id = s.findingIds[2]!;
      const res = await post(id, { action: 'fixed' }, viewer);
      expect(res.status).toBe(403);
      expect((await state(id)).triage_state).toBe('open');
      const page = await (
        await h.api.app.request(`${BASE}/ui/findings/${id}`, { headers: { cookie: viewer.cookie } })
      ).text();
      expect(page).toContain('Triage needs the triager role.');
      expect(page).not.toContain('id="accept-form"');
    });

    it('filters the findings list by state and severity', async () => {
      const list = async (q: string) =>
        (
          await (await h.api.app.request(`${BASE}/ui/findings?${q}`, { headers: { cookie: triager.cookie } })).text()
        ).match(/<a href="\/ui\/findings\/\d+">/g)?.length ?? 0;
      expect(await list('')).toBe(3);
      expect(await list('state=false_positive')).toBe(1);
      expect(await list('severity=high')).toBe(1);
      expect(await list('state=open&severity=critical')).toBe(1);
      expect(await list('rule=pickle')).toBe(1);
      expect(await list('state=bogus')).toBe(3);
    });
  });
}
