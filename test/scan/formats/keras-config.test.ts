import { describe, expect, it } from 'vitest';
import { kerasConfigScanner } from '../../../src/scan/formats/keras-config.js';
import { benignKeras3, k3, keras3Model, PY311_EVIL_CODE, source, testContext } from '../../builders/keras.js';

const scan = (name: string, value: unknown) =>
  kerasConfigScanner.scan(source(JSON.stringify(value)), testContext('m.keras', [], name));
const sniff = (name: string, value: unknown) => {
  const b = new TextEncoder().encode(JSON.stringify(value));
  return kerasConfigScanner.sniff({ head: b.subarray(0, 4096), size: b.length, name });
};

describe('keras-config scanner (.keras config.json / metadata.json)', () => {
  it('benign Keras 3 model: claimed by content, no finding', async () => {
    expect(sniff('config.json', benignKeras3())).toBe(true);
    const o = await scan('config.json', benignKeras3());
    expect(o.findings).toEqual([]);
    expect(o.metadata).toMatchObject({ kind: 'keras-config', class_name: 'Functional' });
  });

  it('metadata.json is claimed and read', async () => {
    const meta = { keras_version: '3.8.0', date_saved: '2025-01-01@00:00:00' };
    expect(sniff('metadata.json', meta)).toBe(true);
    expect((await scan('metadata.json', meta)).metadata).toMatchObject({ keras_version: '3.8.0' });
  });

  it('CVE-2025-1550: config.json naming module subprocess / class Popen is high', async () => {
    const cfg = keras3Model([k3('Popen', { args: ['sh', '-c', 'id'] }, 'subprocess')]);
    const o = await scan('config.json', cfg);
    expect(o.findings.map((f) => [f.ruleId, f.severity])).toEqual([['keras/dangerous-module', 'high']]);
    expect(o.findings[0]?.member).toBe('config.json');
  });

  it('Keras 3 Lambda layer with bytecode is high with decoded names', async () => {
    const cfg = keras3Model([
      k3('Lambda', {
        name: 'lam',
        function: { class_name: '__lambda__', config: { value: [PY311_EVIL_CODE, null, null] } },
      }),
    ]);
    const o = await scan('config.json', cfg);
    expect(o.findings.map((f) => f.ruleId)).toEqual(['keras/lambda-layer']);
    expect(o.findings[0]?.evidence).toContain('"system"');
  });

  it('a deeply nested config is capped and reported', async () => {
    const n = 5_000;
    const text = `${'{"module":"keras.layers","class_name":"Wrapper","config":{"layer":'.repeat(n)}{}${'}}'.repeat(n)}`;
    const o = await kerasConfigScanner.scan(source(text), testContext('m.keras', [], 'config.json'));
    expect(o.error?.code).toBe('limit_exceeded');
  });
});
