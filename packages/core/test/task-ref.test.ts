import { describe, expect, it } from 'vitest';
import { isTaskRef, taskRef, tasks, toModuleUrl } from '../src/index.js';

describe('tasks()', () => {
  it('makes frozen { module, name } references', () => {
    const t = tasks<{ square: (n: number) => number }>('/app/tasks.js');
    expect({ ...t.square }).toEqual({ module: 'file:///app/tasks.js', name: 'square' });
    expect(Object.isFrozen(t.square)).toBe(true);
    expect(t.square).toBe(t.square);
  });

  it('is not thenable, so awaiting it is harmless', async () => {
    const t = tasks('/app/tasks.js');
    expect((t as Record<string, unknown>).then).toBeUndefined();
    await expect(Promise.resolve(t)).resolves.toBe(t);
  });

  it('references survive structured cloning', () => {
    const t = tasks<{ f: () => void }>(new URL('file:///app/t.js'));
    expect(structuredClone(t.f)).toEqual({ module: 'file:///app/t.js', name: 'f' });
  });

  it('taskRef() names one export, default by default', () => {
    expect(taskRef('/x.js')).toEqual({ module: 'file:///x.js', name: 'default' });
    expect(isTaskRef(taskRef('/x.js', 'y'))).toBe(true);
    expect(isTaskRef({ module: 1, name: 'y' })).toBe(false);
  });
});

describe('toModuleUrl()', () => {
  it.each([
    ['/abs/path/tasks.js', 'file:///abs/path/tasks.js'],
    ['/with space/t#1.js', 'file:///with%20space/t%231.js'],
    ['C:\\work\\tasks.js', 'file:///C:/work/tasks.js'],
    ['file:///already/url.js', 'file:///already/url.js'],
    ['https://cdn.example/t.js', 'https://cdn.example/t.js'],
  ])('%s -> %s', (input, output) => {
    expect(toModuleUrl(input)).toBe(output);
  });

  it('rejects relative paths and non-strings', () => {
    expect(() => toModuleUrl('./tasks.js')).toThrow(TypeError);
    expect(() => toModuleUrl(42 as never)).toThrow(TypeError);
  });
});
