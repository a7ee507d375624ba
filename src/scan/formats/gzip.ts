import { gunzipCapped, isGzipHeader } from '../archive/gzip-zlib.js';
import { streamScanner } from '../archive/stream-scan.js';

/** gzip, every member of a multi-member file, with anything after the last member reported. */
export const gzipScanner = streamScanner({
  id: 'gzip',
  codec: 'gzip',
  description: 'gzip streams (multi-member), decompressed with size and ratio caps',
  sniff: ({ head }) => isGzipHeader(head),
  decode: (src, caps, signal) => gunzipCapped(src, caps, signal),
});
