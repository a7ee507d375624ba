import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aadhaarNumber,
  cardNumber,
  emailAddress,
  HARD_NEGATIVES,
  ibanNumber,
  phoneNumber,
  rng,
  SECRET_FACTORIES,
  ssnNumber,
} from '../../../test/builders/data-secrets.js';
import { DETECTORS, detect, redact } from './index.js';

describe('secret detectors', () => {
  for (const [id, make] of Object.entries(SECRET_FACTORIES)) {
    it(`finds a ${id} in prose and in JSON`, () => {
      const r = rng(id.length * 7919);
      for (let i = 0; i < 5; i++) {
        const secret = make(r);
        const prose = `Here is the config we used:\n${secret}\nthanks`;
        expect(detect(prose).map((d) => d.detectorId)).toContain(id);
        const json = JSON.stringify({ note: `value ${secret} end` });
        expect(detect(json).map((d) => d.detectorId)).toContain(id);
      }
    });
  }

  it('every detector has at least one generator or PII builder under test', () => {
    const covered = new Set([
      ...Object.keys(SECRET_FACTORIES),
      'email',
      'phone-number',
      'payment-card',
      'us-ssn',
      'iban',
      'in-aadhaar',
      'nl-bsn',
      'es-dni',
      'uk-nino',
      'ip-address',
      'person-name',
      'street-address',
    ]);
    expect(DETECTORS.map((d) => d.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe('PII detectors', () => {
  const r = rng(42);
  const cases: Array<[string, () => string]> = [
    ['email', () => `Contact ${emailAddress(r)} today`],
    ['phone-number', () => `call me on ${phoneNumber(r)} please`],
    [
      'payment-card',
      () =>
        `card: ${cardNumber(r)
          .replace(/(\d{4})/g, '$1 ')
          .trim()}`,
    ],
    ['us-ssn', () => `SSN ${ssnNumber(r)}`],
    ['iban', () => `pay to ${ibanNumber(r)} by Friday`],
    ['in-aadhaar', () => `Aadhaar: ${aadhaarNumber(r)}`],
    ['nl-bsn', () => 'BSN: 111222333'],
    ['es-dni', () => 'DNI 12345678Z'],
    ['uk-nino', () => 'NI number AB 12 34 56 C'],
    ['ip-address', () => 'login from 81.2.69.142 at noon'],
    ['person-name', () => 'Patient: Mary Okafor was admitted'],
    ['street-address', () => 'She lives at 221 Baker Street, London'],
  ];
  for (const [id, make] of cases) {
    it(`finds ${id}`, () => {
      for (let i = 0; i < 5; i++) {
        const text = make();
        expect(
          detect(text).map((d) => d.detectorId),
          text,
        ).toContain(id);
      }
    });
  }

  it('a Luhn-invalid card, an SSN in area 666 and a wrong DNI letter are not reported', () => {
    expect(detect('card 4539 1488 0343 6468')).toEqual([]);
    expect(detect('SSN 666-12-3456')).toEqual([]);
    expect(detect('DNI 12345678A')).toEqual([]);
    expect(detect('IBAN DE89 3704 0044 0532 0130 01')).toEqual([]);
  });

  it('scores a published test card number low, lower still in documentation context', () => {
    const plain = detect('4111111111111111', { minScore: 0 })[0];
    const doc = detect('Use the test card 4111111111111111 in the docs', { minScore: 0 })[0];
    expect(plain?.score).toBeLessThan(0.5);
    expect(doc?.score).toBeLessThan(plain?.score ?? 0);
  });

  it('needs context for digit runs: a bare 10-digit number is not a phone number', () => {
    expect(detect('order 4155550134 shipped')).toEqual([]);
    expect(detect('phone: 4155550134').map((d) => d.detectorId)).toEqual(['phone-number']);
  });
});

describe('hard negatives', () => {
  for (const [name, make] of Object.entries(HARD_NEGATIVES)) {
    it(`stays quiet on ${name}`, () => {
      const r = rng(name.length);
      for (let i = 0; i < 20; i++) {
        const text = make(r);
        expect(detect(text), text).toEqual([]);
      }
    });
  }
});

describe('redact', () => {
  it('masks every detection with a stable label and the result re-scans clean', () => {
    const r = rng(7);
    const text = Object.values(SECRET_FACTORIES)
      .map((f) => f(r))
      .concat([emailAddress(r), `SSN ${ssnNumber(r)}`, `IBAN ${ibanNumber(r)}`])
      .join('\n');
    const found = detect(text);
    const clean = redact(text, found);
    expect(clean).toContain('[REDACTED:github-token]');
    expect(detect(clean)).toEqual([]);
  });

  it('detections carry the exact value at their UTF-16 offsets, also after astral characters', () => {
    const text = '😀 café → ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789 ✓';
    const [d] = detect(text);
    expect(d && text.slice(d.start, d.end)).toBe(d?.value);
    expect(d?.value.startsWith('ghp_')).toBe(true);
  });
});

describe('properties', () => {
  it('never throws and returns in-range, ordered detections on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (s) => {
        const ds = detect(s, { minScore: 0 });
        let last = -1;
        for (const d of ds) {
          expect(d.start).toBeGreaterThanOrEqual(last);
          expect(d.end).toBeLessThanOrEqual(s.length);
          expect(s.slice(d.start, d.end)).toBe(d.value);
          last = d.end;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on mutated secret-bearing text', () => {
    const r = rng(3);
    const seed = Object.values(SECRET_FACTORIES)
      .map((f) => f(r))
      .join(' ');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(seed.length), fc.string({ maxLength: 3 })), { maxLength: 20 }), (edits) => {
        let s = seed;
        for (const [at, ins] of edits) s = s.slice(0, at) + ins + s.slice(at + 1);
        expect(() => redact(s, detect(s))).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });
});
