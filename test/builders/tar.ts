/** One tar member built in code. */
export interface TarSpec {
  readonly name: string;
  readonly data?: Uint8Array | string;
  /** Type flag: '0' file (default), '2' symlink, '1' hard link, '5' directory. */
  readonly type?: string;
  readonly linkName?: string;
  /** Size to declare instead of the real one (declared lengths beyond the file). */
  readonly declaredSize?: number;
  /** Write the name through a pax `path=` record (for names over 100 bytes). */
  readonly pax?: boolean;
}

const enc = (s: Uint8Array | string | undefined) => (typeof s === 'string' ? Buffer.from(s) : Buffer.from(s ?? []));

function header(name: string, size: number, type: string, linkName = ''): Buffer {
  const h = Buffer.alloc(512);
  h.write(name.slice(0, 100), 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  h.write(linkName.slice(0, 100), 157);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of h) sum += x;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

const pad = (b: Buffer) => Buffer.concat([b, Buffer.alloc((512 - (b.length % 512)) % 512)]);

/** Builds a ustar archive with optional pax names, links and forged sizes. */
export function buildTar(specs: readonly TarSpec[], trailer: Uint8Array = new Uint8Array(0)): Uint8Array {
  const parts: Buffer[] = [];
  for (const s of specs) {
    const data = enc(s.data);
    if (s.pax) {
      const rec = (k: string, v: string) => {
        const body = ` ${k}=${v}\n`;
        let len = body.length + 1;
        while (`${len}${body}`.length !== len) len++;
        return `${len}${body}`;
      };
      const p = Buffer.from(rec('path', s.name));
      parts.push(header('PaxHeader', p.length, 'x'), pad(p));
    }
    parts.push(header(s.name, s.declaredSize ?? data.length, s.type ?? '0', s.linkName), pad(data));
  }
  parts.push(Buffer.alloc(1024), Buffer.from(trailer));
  return new Uint8Array(Buffer.concat(parts));
}
