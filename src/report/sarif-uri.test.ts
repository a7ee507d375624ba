import { describe, expect, it } from 'vitest';
import { artifactLocation, directoryUri } from './sarif-uri.js';

describe('SARIF artifact locations', () => {
  it('keeps relative paths relative to %SRCROOT%, normalised and percent-encoded', () => {
    expect(artifactLocation('./models/a b#1?.pt')).toEqual({ uri: 'models/a%20b%231%3F.pt', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('models\\win\\m.pt')).toEqual({ uri: 'models/win/m.pt', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('a/../b/./c.pkl')).toEqual({ uri: 'b/c.pkl', uriBaseId: '%SRCROOT%' });
  });

  it('makes absolute paths under the base directory relative, others file: URIs', () => {
    expect(artifactLocation('/repo/m/x.pt', '/repo')).toEqual({ uri: 'm/x.pt', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/repo/m/x.pt', '/repo/')).toEqual({ uri: 'm/x.pt', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('/repository/x.pt', '/repo')).toEqual({ uri: 'file:///repository/x.pt' });
    expect(artifactLocation('/repo', '/repo')).toEqual({ uri: 'file:///repo' });
    expect(artifactLocation('C:\\models\\x y.pt')).toEqual({ uri: 'file:///C:/models/x%20y.pt' });
  });

  it('passes URLs through and builds directory URIs with a trailing slash', () => {
    expect(artifactLocation('https://hf.co/o/m/x.bin', '/repo')).toEqual({ uri: 'https://hf.co/o/m/x.bin' });
    expect(directoryUri('/work/my repo')).toBe('file:///work/my%20repo/');
    expect(directoryUri('C:\\work')).toBe('file:///C:/work/');
  });
});
