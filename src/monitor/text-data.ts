/** Plain tables for text-stats.ts: Unicode script blocks and short stop-word lists. */

/** [first code point, last code point, script], sorted, non-overlapping; letters outside fall in `other`. */
export const SCRIPT_RANGES: readonly (readonly [number, number, string])[] = [
  [0x0041, 0x024f, 'latin'],
  [0x0370, 0x03ff, 'greek'],
  [0x0400, 0x052f, 'cyrillic'],
  [0x0530, 0x058f, 'armenian'],
  [0x0590, 0x05ff, 'hebrew'],
  [0x0600, 0x06ff, 'arabic'],
  [0x0750, 0x077f, 'arabic'],
  [0x0900, 0x097f, 'devanagari'],
  [0x0980, 0x09ff, 'bengali'],
  [0x0e00, 0x0e7f, 'thai'],
  [0x10a0, 0x10ff, 'georgian'],
  [0x1100, 0x11ff, 'hangul'],
  [0x1e00, 0x1eff, 'latin'],
  [0x1f00, 0x1fff, 'greek'],
  [0x3040, 0x309f, 'hiragana'],
  [0x30a0, 0x30ff, 'katakana'],
  [0x3400, 0x4dbf, 'han'],
  [0x4e00, 0x9fff, 'han'],
  [0xac00, 0xd7af, 'hangul'],
  [0xf900, 0xfaff, 'han'],
  [0xff21, 0xff5a, 'latin'],
];

const list = (s: string) => new Set(s.split(' '));

/** The most frequent function words of each language (short lists: enough to vote, cheap to test). */
export const STOPWORDS: readonly (readonly [string, ReadonlySet<string>])[] = [
  ['en', list('the and of to a in is that it for you was with on as are be this have not or by at what')],
  ['fr', list('le la les de des et un une est que qui dans pour pas sur au du ce il elle nous vous je')],
  ['de', list('der die das und ist nicht ein eine zu den mit sich auf für von dem des ich sie es auch')],
  ['es', list('el la los las de y que en un una es por con para no se del al lo como su más pero')],
  ['it', list('il lo la gli le di e che è un una per non con del della sono si mi ma come anche')],
  ['pt', list('o a os as de e que em um uma é não para com do da por se mais como mas foi ao')],
  ['nl', list('de het een en van is dat niet op te in voor met zijn die er ook aan maar ik je')],
  ['ru', list('и в не на что я с он как это по но они к из у же за от так был')],
  ['uk', list('і в не на що я з він як це та але вони до від у же за так був')],
  ['ar', list('في من على أن إلى عن مع هذا هذه التي الذي كان ما لا هو هي')],
  ['hi', list('के है में की और से को एक यह पर भी नहीं था कि हैं')],
];
