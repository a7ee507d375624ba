import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MonitorEvent } from '../../src/monitor/event.js';
import { checkLogin, createToken, createUser, findToken, revokeToken } from '../../src/store/auth-repo.js';
import type { Db } from '../../src/store/db.js';
import { countEvents, guardBuckets, inferenceWindow, insertEvents } from '../../src/store/events-repo.js';
import {
  findingHistory,
  listFindings,
  recordRun,
  reopenExpired,
  triageFinding,
} from '../../src/store/findings-repo.js';
import { MIGRATIONS, migrate, splitStatements } from '../../src/store/migrate.js';
import { addBom, addModelVersion, addSignature, getModel, upsertModel } from '../../src/store/models-repo.js';
import { getOffset, setOffset } from '../../src/store/results-repo.js';
import { BACKENDS, type Backend } from './backends.js';

const guard = (i: number, extra: Partial<MonitorEvent> = {}): MonitorEvent =>
  ({
    id: `g-${i}`,
    ts: new Date(Date.UTC(2026, 0, 1, 0, i % 60)).toISOString(),
    kind: 'gateway',
    client: `key-${i % 3}`,
    action: i % 5 === 0 ? 'block' : 'allow',
    status: i % 7 === 0 ? 502 : 200,
    flagged: i % 5 === 0,
    categories: i % 5 === 0 ? ['injection'] : [],
    ...extra,
  }) as MonitorEvent;

for (const make of BACKENDS) {
  const backend: Backend = make();
  describe(`store on ${backend.name}`, () => {
    let db: Db;
    beforeAll(async () => {
      db = await backend.open();
    });
    afterAll(() => backend.cleanup());

    it('records migrations and re-running them changes nothing', async () => {
      const again = await migrate(db);
      expect(again.applied).toEqual([]);
      expect(again.current).toBe(MIGRATIONS.length);
      const r = await db.query<{ version: number }>('SELECT version FROM warden_migrations ORDER BY version');
      expect(r.rows.map((x) => x.version)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('refuses a migration whose SQL changed after it was applied', async () => {
      const tampered = MIGRATIONS.map((m) => ({ ...m, sql: `${m.sql}\n-- edited` }));
      await expect(migrate(db, tampered)).rejects.toThrow(/changed after it was applied/);
    });

    it('inserts event batches idempotently by event id', async () => {
      const batch = Array.from({ length: 50 }, (_, i) => guard(i));
      const first = await insertEvents(db, batch);
      expect(first).toEqual({ inserted: 50, duplicates: 0 });
      const again = await insertEvents(db, [...batch.slice(0, 20), guard(50), guard(50)]);
      expect(again).toEqual({ inserted: 1, duplicates: 21 });
      expect((await countEvents(db)).guard).toBe(51);
      const row = await db.query<{ categories: string[] }>("SELECT categories FROM guard_events WHERE id = 'g-5'");
      expect(row.rows[0]!.categories).toEqual(['injection']);
    });

    it('buckets guard events for rate analyses', async () => {
      const b = await guardBuckets(db, 3600, new Date(Date.UTC(2026, 0, 1)), new Date(Date.UTC(2026, 0, 2)));
      expect(b).toHaveLength(1);
      expect(b[0]!.total).toBe(51);
      expect(b[0]!.blocked).toBe(11);
      expect(b[0]!.errors).toBe(8);
    });

    it('stores inference events with features and reads a window back in order', async () => {
      const events: MonitorEvent[] = Array.from({ length: 10 }, (_, i) => ({
        id: `inf-${i}`,
        ts: new Date(Date.UTC(2026, 0, 1, 1, i)).toISOString(),
        kind: 'inference',
        model: 'fraud',
        client: 'svc',
        latencyMs: i,
        features: { amount: i * 10, country: i % 2 ? 'FR' : 'DE' },
        output: { score: i / 10 },
      }));
      await insertEvents(db, events);
      const rows = await inferenceWindow(
        db,
        'fraud',
        new Date(Date.UTC(2026, 0, 1, 1, 2)),
        new Date(Date.UTC(2026, 0, 1, 1, 5)),
      );
      expect(rows.map((r) => r.id)).toEqual(['inf-2', 'inf-3', 'inf-4']);
      expect(rows[1]!.features).toEqual({ amount: 30, country: 'FR' });
    });

    it('keeps the model inventory with versions, signatures and BOM links', async () => {
      const id = await upsertModel(db, 'fraud', { owner: 'risk-team' });
      expect(await upsertModel(db, 'fraud')).toBe(id);
      const v = await addModelVersion(db, id, {
        version: '1.2.0',
        digest: `sha256:${'a'.repeat(64)}`,
        format: 'safetensors',
      });
      await addSignature(db, v, { kind: 'oms', identity: 'ci@example.org', verified: true });
      await addBom(db, v, { format: 'cyclonedx', serial: 'urn:uuid:1', uri: 'bom.json' });
      const m = (await getModel(db, 'fraud')) as { owner: string; versions: Array<Record<string, unknown>> };
      expect(m.owner).toBe('risk-team');
      expect(m.versions[0]!.digest).toBe(`sha256:${'a'.repeat(64)}`);
      expect(m.versions[0]!.signatures).toEqual([
        expect.objectContaining({ kind: 'oms', identity: 'ci@example.org', verified: true }),
      ]);
      expect(m.versions[0]!.boms).toEqual([{ format: 'cyclonedx', serial: 'urn:uuid:1', uri: 'bom.json' }]);
    });

    it('records every triage change with who and when, and refuses changes without an actor', async () => {
      const runId = await recordRun(db, {
        kind: 'scan',
        target: 'models/',
        findings: [
          { ruleId: 'pickle/unsafe-global', severity: 'critical', message: 'os.system', path: 'a.pkl' },
          { ruleId: 'pickle/unsafe-global', severity: 'critical', message: 'os.system', path: 'a.pkl' },
        ],
      });
      const list = await listFindings(db, { runId });
      expect(list).toHaveLength(2);
      const id = Number(list[0]!.id);
      await expect(triageFinding(db, id, { state: 'accepted', reason: 'sandboxed' }, 'alice')).rejects.toThrow(
        /expiry/,
      );
      const later = new Date(Date.now() + 86_400_000).toISOString();
      expect(
        await triageFinding(
          db,
          id,
          { state: 'accepted', reason: 'sandboxed', expiresAt: later, assignee: 'bob' },
          'alice',
        ),
      ).toBe(true);
      expect(await triageFinding(db, id, { state: 'fixed' }, 'bob')).toBe(true);
      const h = await findingHistory(db, id);
      expect(h.map((x) => [x.actor, x.from_state, x.to_state])).toEqual([
        ['alice', 'open', 'accepted'],
        ['bob', 'accepted', 'fixed'],
      ]);
      expect(h[0]!.changed_at).toBeInstanceOf(Date);
      await expect(
        db.query("UPDATE findings SET triage_state = 'fixed' WHERE id = $1", [Number(list[1]!.id)]),
      ).rejects.toThrow(/without an actor/);
    });

    it('re-opens accepted findings whose acceptance expired', async () => {
      const runId = await recordRun(db, {
        kind: 'audit',
        target: '.',
        findings: [{ ruleId: 'code/torch-load', severity: 'high', message: 'torch.load', path: 'train.py' }],
      });
      const id = Number((await listFindings(db, { runId }))[0]!.id);
      const soon = new Date(Date.now() + 1500).toISOString();
      await triageFinding(db, id, { state: 'accepted', reason: 'until the fix ships', expiresAt: soon }, 'carol');
      await new Promise((r) => setTimeout(r, 1600));
      expect(await reopenExpired(db)).toBe(1);
      const h = await findingHistory(db, id);
      expect(h.at(-1)).toMatchObject({ actor: 'system:expiry', from_state: 'accepted', to_state: 'open' });
    });

    it('keeps only token hashes and honours revocation', async () => {
      const { id, token } = await createToken(db, { name: 'gateway', role: 'ingest' });
      const stored = await db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
      expect(stored.rows[0]!.token_hash).not.toContain(token);
      expect(JSON.stringify(stored.rows)).not.toContain(token.slice(4));
      expect(await findToken(db, token)).toMatchObject({ tokenId: id, role: 'ingest' });
      expect(await findToken(db, `${token}x`)).toBeUndefined();
      await revokeToken(db, id);
      expect(await findToken(db, token)).toBeUndefined();
    });

    it('hashes passwords and checks logins', async () => {
      await createUser(db, 'dana', 'triager', 'correct horse battery');
      expect(await checkLogin(db, 'dana', 'correct horse battery')).toMatchObject({ name: 'dana', role: 'triager' });
      expect(await checkLogin(db, 'dana', 'wrong')).toBeUndefined();
      expect(await checkLogin(db, 'nobody', 'x')).toBeUndefined();
      const r = await db.query<{ password_hash: string }>("SELECT password_hash FROM users WHERE name = 'dana'");
      expect(r.rows[0]!.password_hash).toMatch(/^scrypt\$/);
    });

    it('stores tailer offsets', async () => {
      expect(await getOffset(db, 'events.jsonl')).toBeUndefined();
      await setOffset(db, 'events.jsonl', { fileId: '1:2', headHash: 'ab', offset: 10 });
      await setOffset(db, 'events.jsonl', { fileId: '1:2', headHash: 'ab', offset: 99 });
      expect(await getOffset(db, 'events.jsonl')).toEqual({ fileId: '1:2', headHash: 'ab', offset: 99 });
    });

    it('rolls a failed transaction back completely', async () => {
      await expect(
        db.transaction(async (tx) => {
          await insertEvents(tx, [guard(900)]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect((await db.query("SELECT 1 FROM guard_events WHERE id = 'g-900'")).rows).toHaveLength(0);
    });
  });
}

describe('migration statement splitter', () => {
  it('keeps dollar-quoted bodies and quoted semicolons whole', () => {
    const parts = splitStatements("CREATE TABLE a (x text DEFAULT ';');\n-- c;\nCREATE FUNCTION f() AS $$ a; b; $$;");
    expect(parts).toEqual(["CREATE TABLE a (x text DEFAULT ';')", 'CREATE FUNCTION f() AS $$ a; b; $$']);
  });
});
