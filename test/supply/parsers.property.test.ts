import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../../src/supply/signing/bundle.js';
import { children, DerError, readNode } from '../../src/supply/signing/der.js';
import { pae, pythonBytesRepr } from '../../src/supply/signing/dsse.js';
import { verifyTimestamp } from '../../src/supply/signing/rfc3161.js';
import { parseStatement } from '../../src/supply/signing/statement.js';
import { certParts, subjectAltNames } from '../../src/supply/signing/x509.js';
import { MT } from './helpers.js';

const bundles = readdirSync(MT)
  .filter((d) => /^v\d/.test(d))
  .map((d) => readFileSync(join(MT, d, 'model.sig'), 'utf8'));
const certDer = (() => {
  const b = JSON.parse(bundles.find((t) => t.includes('"certificate"'))!);
  return new Uint8Array(Buffer.from(b.verificationMaterial.certificate.rawBytes, 'base64'));
})();

/** Only these errors may escape the parsers; anything else is a bug. */
const onlyExpected = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
  }
};

function walk(buf: Uint8Array, depth = 0): void {
  const n = readNode(buf);
  if (depth < 8 && n.tag & 0x20) for (const c of children(n)) walk(buf.subarray(c.start, c.end), depth + 1);
}

describe('DER reader never crashes on hostile bytes', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (b) => onlyExpected(() => walk(b))),
      { numRuns: 500 },
    );
  });
  it('mutated real certificates', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(certDer.length - 1), fc.nat(255)), { maxLength: 8 }), (muts) => {
        const b = certDer.slice();
        for (const [i, v] of muts) b[i] = v;
        onlyExpected(() => {
          certParts(b);
          subjectAltNames(b);
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('RFC 3161 timestamp reader', () => {
  const token = (() => {
    const b = JSON.parse(bundles.find((t) => t.includes('rfc3161Timestamps'))!);
    return new Uint8Array(
      Buffer.from(b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, 'base64'),
    );
  })();
  it('mutated tokens are refused with a reason, never an exception', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(token.length - 1), fc.nat(255)), { minLength: 1, maxLength: 6 }), (muts) => {
        const b = token.slice();
        for (const [i, v] of muts) b[i] = v;
        const r = verifyTimestamp(Buffer.from(b).toString('base64'), new Uint8Array(64), []);
        expect(r.ok).toBe(false);
        expect(typeof r.error).toBe('string');
      }),
      { numRuns: 200 },
    );
  });
});

describe('bundle and statement parsers are total', () => {
  it('random text is an error result, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (t) => {
        expect(parseBundle(t).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
  it('mutated reference bundles parse or fail cleanly', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...bundles),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 32, max: 126 })), { maxLength: 6 }),
        (text, muts) => {
          const chars = [...text];
          for (const [i, c] of muts) chars[i % chars.length] = String.fromCharCode(c);
          const r = parseBundle(chars.join(''));
          if (r.ok) parseStatement(r.value.envelope.payload);
        },
      ),
      { numRuns: 300 },
    );
  });
  it('arbitrary JSON payloads give an error result', () => {
    fc.assert(
      fc.property(fc.json(), (j) => {
        expect(parseStatement(new TextEncoder().encode(j)).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('DSSE encodings', () => {
  it('PAE follows DSSE v1 with byte lengths', () => {
    const p = pae('application/vnd.in-toto+json', new TextEncoder().encode('hé'));
    expect(new TextDecoder().decode(p)).toBe('DSSEv1 28 application/vnd.in-toto+json 3 hé');
  });
  it("reproduces CPython's repr(bytes) used by the v0.2 signer", () => {
    const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(pythonBytesRepr(enc(`{"a": "it's"}`))).toBe(`b'{"a": "it\\'s"}'`);
    expect(pythonBytesRepr(enc("q's"))).toBe(`b"q's"`);
    expect(pythonBytesRepr(enc('tab\there\nnl\\ \x00\xff\x7f'))).toBe(`b'tab\\there\\nnl\\\\ \\x00\\xff\\x7f'`);
  });
});
