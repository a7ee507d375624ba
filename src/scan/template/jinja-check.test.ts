import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REAL_TEMPLATES } from '../../../test/scan/template/real-templates.js';
import { checkChatTemplate } from './jinja-check.js';
import { decodePythonEscapes, tokenScan } from './token-scan.js';

const high = (t: string) =>
  checkChatTemplate(t).issues.filter((i) => i.severity === 'high' || i.severity === 'critical');
const rulesOf = (t: string) => checkChatTemplate(t).issues.map((i) => `${i.ruleId}:${i.severity}`);

describe('real chat templates are clean', () => {
  for (const [name, tpl] of Object.entries(REAL_TEMPLATES))
    it(`${name} template: no issues`, () => {
      const r = checkChatTemplate(tpl);
      expect(r.parseError).toBeUndefined();
      expect(r.issues).toEqual([]);
    });
  it('namespace(), raise_exception, tojson, slicing and string methods are ordinary', () => {
    const t =
      "{% set ns = namespace(found=false) %}{% for m in messages[1:] %}{% set ns.found = true %}{{ m.content.split('x')[-1]|tojson }}{% endfor %}{{ raise_exception('no') if not ns.found }}";
    expect(checkChatTemplate(t).issues).toEqual([]);
  });
});

describe('SSTI payloads (CVE-2024-34359 class) are high', () => {
  const cases: Record<string, string> = {
    'subclasses walk to catch_warnings (corpus chat_template_ssti.gguf payload)':
      "{% for c in [].__class__.__base__.__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}{{ c()._module.__builtins__['__import__']('os').system('id') }}{% endif %}{% endfor %}",
    'mro walk': "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    'mro() method': '{{ dict.mro()[-1] }}',
    'self.__init__.__globals__': "{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}",
    'cycler gadget': "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    'joiner gadget': '{{ joiner.__init__.__globals__ }}',
    'lipsum.__globals__': "{{ lipsum.__globals__['os'].popen('id').read() }}",
    'namespace.__init__': '{{ namespace.__init__.__globals__ }}',
    'attr() with \\x escapes': "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}",
    'attr() with concatenated name': "{{ ()|attr('__cla' ~ 'ss__') }}",
    'subscript with concatenated name': "{{ ''['__cla' + 'ss__'] }}",
    "subscript built with '_' * 2": "{% set n = '_' * 2 + 'class' + '_' * 2 %}{{ ''[n] }}",
    'subscript built with %c format': "{{ ''[('%c%c'|format(95,95)) ~ 'class' ~ ('%c%c'|format(95,95))] }}",
    'subscript built with join': "{{ ''[['_','_','class','_','_']|join] }}",
    'reversed string': "{{ ''['__ssalc__'[::-1]] }}",
    'str.format with brace indices': "{{ ''['{0}{0}class{0}{0}'.format('_')] }}",
    'block set indirection': '{% set x %}__class__{% endset %}{{ y[x] }}',
    'map(attribute=) path': "{{ messages|map(attribute='__class__.__mro__')|list }}",
    'str.format replacement field attribute': "{{ '{0.__class__.__mro__}'.format(messages) }}",
    'dict keyword names as strings': '{{ dict(__class__=1)|list }}',
    'bare __builtins__': "{{ __builtins__['eval']('1') }}",
    'lipsum referenced alone': '{{ lipsum }}',
    'dynamic attr() name': '{% for k in keys %}{{ x|attr(k) }}{% endfor %}',
    'chained attr() filters': "{{ []|attr('a')|attr('b') }}",
    'chained attr() filters in an unparseable template': "{{ ()|attr('a')|attr('b') }}",
    'frame walk through gi_frame': '{{ (x for x in y).gi_frame.f_globals }}',
  };
  for (const [name, tpl] of Object.entries(cases))
    it(name, () => {
      expect(high(tpl).length, JSON.stringify(checkChatTemplate(tpl))).toBeGreaterThan(0);
    });

  it('reports the dunder it found as evidence', () => {
    const [i] = high("{{ ''.__class__ }}");
    expect(i?.ruleId).toBe('template/ssti');
    expect(i?.evidence).toContain('__class__');
  });
  it('an ordinary attr() name is medium, not high', () => {
    expect(rulesOf("{{ messages|attr('items') }}")).toEqual(['template/attr-filter:medium']);
  });
  it('an underscore attribute is medium', () => {
    expect(rulesOf('{{ message._secret }}')).toEqual(['template/private-attribute:medium']);
  });
  it('a local variable called self is not a gadget', () => {
    expect(high('{% for self in messages %}{{ self.content }}{% endfor %}')).toEqual([]);
  });
});

describe('templates @huggingface/jinja cannot parse fall back to a token scan', () => {
  it('{% import %} is a loader tag (high) and the parse failure is reported', () => {
    const r = checkChatTemplate("{% import 'os' as os %}{{ os.system('id') }}");
    expect(r.parseError).toBeDefined();
    expect(r.issues.map((i) => i.ruleId)).toContain('template/unparsed');
    expect(r.issues.some((i) => i.ruleId === 'template/loader-tag' && i.severity === 'high')).toBe(true);
  });
  it('{% include %} and {% extends %} are loader tags', () => {
    expect(high("{% include '/etc/passwd' %}").map((i) => i.ruleId)).toContain('template/loader-tag');
    expect(high("{%- extends 'base' %}").map((i) => i.ruleId)).toContain('template/loader-tag');
  });
  it('octal escapes (\\137) that Python decodes are decoded before matching', () => {
    const r = checkChatTemplate("{{ ''['\\137\\137class\\137\\137'] }}");
    expect(r.parseError).toBeDefined();
    expect(r.issues.some((i) => i.ruleId === 'template/ssti' && i.severity === 'high')).toBe(true);
  });
  it('\\N{LOW LINE} escapes are decoded', () => {
    expect(high("{{ ''['\\N{LOW LINE}\\N{LOW LINE}class\\N{LOW LINE}\\N{LOW LINE}'] }}").length).toBeGreaterThan(0);
  });
  it('fullwidth underscores normalise to a dunder', () => {
    expect(high('{{ x.＿＿class＿＿ }}').length).toBeGreaterThan(0);
  });
  it('a benign but unparseable template is medium only, never silently clean', () => {
    const r = checkChatTemplate("{{ '\\U0001F600' + message['content'] }}");
    expect(r.issues.map((i) => `${i.ruleId}:${i.severity}`)).toEqual(['template/unparsed:medium']);
  });
  it('nesting deep enough to exhaust the parser is reported, payload still seen', () => {
    const deep = `{{ ${'('.repeat(20000)}x.__class__${')'.repeat(20000)} }}`;
    const r = checkChatTemplate(deep);
    expect(r.issues.map((i) => i.ruleId)).toContain('template/unparsed');
    expect(r.issues.some((i) => i.ruleId === 'template/ssti')).toBe(true);
  });
  it('a payload padded with long whitespace runs is still parsed and found', () => {
    const t = `{{ x${' '.repeat(100_000)}.__class__ }}`;
    const r = checkChatTemplate(t);
    expect(r.parseError).toBeUndefined();
    expect(r.issues.some((i) => i.ruleId === 'template/ssti' && i.severity === 'high')).toBe(true);
  });
  it('a template over the length cap is token-scanned', () => {
    const t = `${'x'.repeat(2000)}{{ ''.__class__ }}`;
    const r = checkChatTemplate(t, { maxLength: 1000 });
    expect(r.issues.map((i) => i.ruleId).sort()).toEqual(['template/ssti', 'template/too-long']);
  });
});

describe('token scan', () => {
  it('decodes Python escapes', () => {
    expect(decodePythonEscapes('\\x5f\\u005f\\U0000005f\\137\\N{LOW LINE}')).toBe('_____');
  });
  it('ignores {# comments #} and text outside blocks', () => {
    expect(tokenScan('__class__ {# __globals__ #} {{ x }}', true)).toEqual([]);
  });
  it('stays linear on adversarial input (ReDoS guard)', () => {
    const inputs = [
      `{{ ${'_'.repeat(200_000)} }}`,
      `{{ ${'\\'.repeat(200_000)} }}`,
      `{{ ${'|'.repeat(100_000)}${' '.repeat(100_000)} }}`,
      '{{'.repeat(100_000),
      `{{ ${'\\N{'.repeat(50_000)} }}`,
      `{{ x }}${' '.repeat(300_000)}{% generation %}`,
      `{{ x ${'\t\n '.repeat(100_000)}.__class__ }}`,
    ];
    for (const t of inputs) {
      const t0 = performance.now();
      tokenScan(t, true);
      checkChatTemplate(t);
      expect(performance.now() - t0, t.slice(0, 10)).toBeLessThan(1500);
    }
  });
});

describe('properties', () => {
  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (s) => {
        const r = checkChatTemplate(s);
        expect(Array.isArray(r.issues)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
  it('never throws on mutated real templates', () => {
    const base = Object.values(REAL_TEMPLATES);
    fc.assert(
      fc.property(
        fc.constantFrom(...base),
        fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { maxLength: 5 }),
        (tpl, edits) => {
          let t = tpl;
          for (const [at, ins] of edits) {
            const p = at % (t.length + 1);
            t = t.slice(0, p) + ins + t.slice(p + 1);
          }
          const r = checkChatTemplate(t);
          expect(Array.isArray(r.issues)).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });
});
