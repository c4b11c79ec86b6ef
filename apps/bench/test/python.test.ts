import { describe, expect, it } from 'vitest';
import { choosePython, pythonCandidates, pythonNotice, SYSTEM_PYTHON } from '../src/python.js';

describe('choice of the python3 for the Python rows', () => {
  it('tries the system python3 first, then every python3 on PATH in order, each once', () => {
    const candidates = pythonCandidates(
      '/root/.pyenv/shims:/usr/bin:/opt/py/bin::/usr/bin',
      () => true,
    );
    expect(candidates).toEqual([
      SYSTEM_PYTHON,
      '/root/.pyenv/shims/python3',
      '/opt/py/bin/python3',
    ]);
  });

  it('leaves out candidates that are not executable files', () => {
    const candidates = pythonCandidates('/a:/b', (file) => file !== '/a/python3');
    expect(candidates).toEqual([SYSTEM_PYTHON, '/b/python3']);
  });

  it('prefers the system python3 when it can import joblib', () => {
    const chosen = choosePython([SYSTEM_PYTHON, '/root/.pyenv/shims/python3'], () => '3.11.2');
    expect(chosen).toEqual({ path: SYSTEM_PYTHON, version: '3.11.2' });
  });

  it('takes the first python3 on PATH that can import joblib when the system one cannot', () => {
    const canImport = new Map([
      [SYSTEM_PYTHON, null],
      ['/root/.pyenv/shims/python3', null],
      ['/opt/py/bin/python3', '3.12.1'],
      ['/later/python3', '3.13.0'],
    ]);
    const probed: string[] = [];
    const chosen = choosePython([...canImport.keys()], (python) => {
      probed.push(python);
      return canImport.get(python) ?? null;
    });
    expect(chosen).toEqual({ path: '/opt/py/bin/python3', version: '3.12.1' });
    expect(probed).toEqual([SYSTEM_PYTHON, '/root/.pyenv/shims/python3', '/opt/py/bin/python3']);
  });

  it('finds none when no candidate can import joblib', () => {
    expect(choosePython([SYSTEM_PYTHON, '/x/python3'], () => null)).toBeNull();
  });

  it('tells how to fill the Python rows when no python3 can import joblib, and says nothing otherwise', () => {
    expect(pythonNotice(null)).toContain('apt-get install python3-joblib');
    expect(pythonNotice(null)).toContain(SYSTEM_PYTHON);
    expect(pythonNotice({ path: SYSTEM_PYTHON, version: '3.11.2' })).toBeUndefined();
  });
});
