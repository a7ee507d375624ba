/**
 * Small compressed samples for codecs that have no compressor in Node. Each was produced once
 * from the 26-byte os.system('id') pickle (`printf '\x80\x02cos\nsystem\nX\x02\x00\x00\x00id\x85R.' > p.pkl`)
 * with the command in its comment (bzip2 1.0.8, xz 5.4, lz4 1.9), then base64-encoded.
 */
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));

/** `bzip2 -c p.pkl` */
export const BZ2_PICKLE = b64(
  'QlpoOTFBWSZTWUUf7OoAAArTwFAQAAEQQA4ijCBCACAAIiaA9Rp6npChppgAd2woIkArnipEMp+LuSKcKEgij/Z1AA==',
);
/** `xz -c p.pkl` */
export const XZ_PICKLE = b64(
  '/Td6WFoAAATm1rRGAgAhARYAAAB0L+WjAQAWgAJjb3MKc3lzdGVtClgCAAAAaWSFUi4AAKkv8K7IcPy4AAEvF4EISbEftvN9AQAAAAAEWVo=',
);
/** `lz4 -c p.pkl` */
export const LZ4_PICKLE = b64('BCJNGGRApxcAAICAAmNvcwpzeXN0ZW0KWAIAAABpZIVSLgAAAABuvD8d');
/** `xz --format=lzma -c p.pkl` (LZMA-alone, as joblib compress="lzma" writes) */
export const LZMA_PICKLE = b64('XQAAgAD//////////wBAAIgDvDC9NN4vXibQafs16B2HBjiolM3C/aj//+KwgAA=');
/** `yes 'warden lz4 linked block test' | head -c 200000 | lz4 -c -B4 -BD`: 64 KiB linked blocks. */
export const LZ4_LINKED = b64(
  'BCJNGERAXigBAAD/DndhcmRlbiBsejQgbGlua2VkIGJsb2NrIHRlc3QKHQD/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////y1BvY2sgdAoBAAAP5///////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////6FBkIGJsbygBAAD/DmNrIHRlc3QKd2FyZGVuIGx6NCBsaW5rZWQgYmxvHQD/////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////////y1BpbmtlZBcAAAAP5///////////////////NVBsaW5rZQAAAACdxKPM',
);
export const LZ4_LINKED_TEXT = 'warden lz4 linked block test\n'.repeat(Math.ceil(200000 / 29)).slice(0, 200000);

/**
 * Real joblib output (Debian python3-joblib 1.2): `joblib.dump({'a': np.arange(1000.0), 'p': P()}, f, compress='lzma')`
 * where P's __reduce__ returns (os.system, ('echo pwned',)); an LZMA-alone stream with an unknown length
 * and an end marker, an inline NumPy array inside.
 */
export const JOBLIB_LZMA_MALICIOUS = b64(
  'XQAAgAD//////////wBAAQ57JaOVmzo680p5UUx9DYeZ6BKBPChpXiq8GVtdKe8/fdAHRSfO/ij5d3CBjD5TzFuII0DDTq2yy6fV6Y3GFSyG5ctNsOiqbkbp9Hg6p7KHLABRL/zid2b39hC5ACdgydQIHLjXdZqdIJSBN4ZOzAiVF4HUmTC/Qm6/CBZuqaHXXuWKAF2jxueqkuVSwqDvUlh2izCUhiNSv+MwSI2xvUGxTRZ2rw8hY6BxsBBBui2oDGPlluxxJEyP7zQmB8qR6ROJo57WXtHMdGlIG9BWCzo2sZTW25AbczwsunJWWVeV88SvMlk04f6on1ULMotdEWbOhrChKPvEupSlhIWURAtPqhWVIUqFnM0GUYBPSsYq2+TEX+4FAIcrf1laOGBbTJfP8AUt1EWve2yzzCYNOCDBTuykp+EyMUrkZOvswTX7FKCuJ1aH+sdO+/gioaf1taK58v9qnF/m3r0vnL0JR3DcyZyN/7csyytuWGdgWP1krEEAhHgAxBehmknqOPOvQrlS3GsP/yYmOMWIjQg5bTtVKkT12mhLChTDVMKS+FUIPCHMahGbEdcRFawjrbrdl/1LAF9OcZ2y8j/AV2lwW5qneKdqry3gL3SblXFX+Js4tSgdOdMXdEPoKajGyRfG9nz+Ym1KntzuHso8Tb/4E4O87ml6DVUvLDbMwxct7z6qOHEBSgGC81TMWA6/s2ezxNtL/cRgDPcix13ntpJdlooOa2EOeEW4/3zzBlx0VTgjQQ/bDESnZNTXF/FZOscJZyJqUo6htv/2NjeO',
);
/** The same with `{'a': np.arange(1000.0), 'b': [1, 2, 3]}`: nothing to find. */
export const JOBLIB_LZMA_BENIGN = b64(
  'XQAAgAD//////////wBAAQ57JaOVmzo680p5UUx9DYeZ6BKBPChpXiq8GVtdKe8/fdAHRSfO/ij5d3CBjD5TzFuII0DDTq2yy6fV6Y3GFSyG5ctNsOiqbkbp9Hg6p7KHLABRL/zid2b39hC5ACdgydQIHLjXdZqdIJSBN4ZOzAiVF4HUmTC/Qm6/CBZuqaHXXuWKAF2jxueqkuVSwqDvUlh2izCUhiNSv+MwSI2xvUGxTRZ2rw8hY6BxsBBBui2oDGPlluxxJEyP7zQmB8qR6ROJo57WXtHMdGlIG9BWCzo2sZTW25AbczwsunJWWVeV88SvMlk04f6on1ULMotdEWbOhrChKPvEupSlhIWURAtPqhWVIUqFnM0GUYBPSsYq2+TEX+4FAIcrf1laOGBbTJfP8AUt1EWve2yzzCYNOCDBTuykp+EyMUrkZOvswTX7FKCuJ1aH+sdO+/gioaf1taK58v9qnF/m3r0vnL0JR3DcyZyN/7csyytuWGdgWP1krEEAhHgAxBehmknqOPOvQrlS3GsP/yYmOMWIjQg5bTtVKkT12mhLChTDVMKS+FUIPCHMahGbEdcRFawjrbrdl/1LAF9OcZ2y8j/AV2lwW5qneKdqry3gL3SblXFX+Js4tSgdOdMXdEPoKajGyRfG9nz+Ym1KntzuHso8Tb/4E4O87ml6DVUvLDbMwxct7z6qOHEBSgGC81TMWA6/s2ezxNtL/cRgDPcix13nphWvWmJlDK8J5/DXFDC51Z0oruEgfWL/15GEgA==',
);
