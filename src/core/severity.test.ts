import { describe, expect, it } from 'vitest';
import { atLeast, maxSeverity, SEVERITIES, severityRank } from './severity.js';

describe('severity', () => {
  it('orders severities from critical to info', () => {
    const ranks = SEVERITIES.map(severityRank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
  });
  it('compares against a threshold', () => {
    expect(atLeast('critical', 'high')).toBe(true);
    expect(atLeast('medium', 'high')).toBe(false);
    expect(maxSeverity(['low', 'high', 'medium'])).toBe('high');
    expect(maxSeverity([])).toBeUndefined();
  });
});
