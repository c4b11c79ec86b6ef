import { describe, expect, it } from 'vitest';
import { addHeld, HOLDER_ENTRIES, HOLDER_WORDS, takeHeld } from '../src/shared/holders.js';
import {
  lockAsSteps,
  lockSyncAs,
  markedOwnerDied,
  ownerOf,
  recoverFrom,
  recoverMarked,
  tryLockAs,
  unlockOwned,
} from '../src/shared/owner-mutex.js';
import { runSync } from '../src/shared/runtime.js';

const table = () => new Int32Array(new SharedArrayBuffer(HOLDER_WORDS * 4));

describe('the table of what each worker thread holds', () => {
  it('counts per thread, and gives a dead thread its count back once', () => {
    const t = table();
    addHeld(t, 0, 5, 1);
    addHeld(t, 0, 5, 2);
    addHeld(t, 0, 6, 1);
    addHeld(t, 0, 5, -1);
    expect(takeHeld(t, 0, 5)).toBe(2);
    expect(takeHeld(t, 0, 5)).toBe(0);
    expect(takeHeld(t, 0, 6)).toBe(1);
  });

  it('never counts below zero (a thread may release what another took)', () => {
    const t = table();
    addHeld(t, 0, 5, 1);
    addHeld(t, 0, 5, -3);
    addHeld(t, 0, 7, -1);
    expect(takeHeld(t, 0, 5)).toBe(0);
    expect(takeHeld(t, 0, 7)).toBe(0);
  });

  it('leaves a thread unrecorded once every entry is taken, and reuses freed ones', () => {
    const t = table();
    for (let id = 1; id <= HOLDER_ENTRIES; id++) addHeld(t, 0, id, 1);
    addHeld(t, 0, 1000, 1);
    expect(takeHeld(t, 0, 1000)).toBe(0);
    addHeld(t, 0, 1, -1); // thread 1 gave its permit back: its entry is free
    addHeld(t, 0, 1000, 1);
    expect(takeHeld(t, 0, 1000)).toBe(1);
  });

  it('ignores the main thread (id 0)', () => {
    const t = table();
    addHeld(t, 0, 0, 1);
    expect(Array.from(t).every((word) => word === 0)).toBe(true);
  });
});

describe('the mutex word that names its holder', () => {
  it('records the holder, and only frees it for that holder, setting the died flag', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(8));
    expect(tryLockAs(i32, 0, 9)).toBe(true);
    expect(ownerOf(i32, 0)).toBe(9);
    expect(tryLockAs(i32, 0, 4)).toBe(false);
    expect(recoverFrom(i32, 0, 1, 4)).toBe(false);
    expect(i32[1]).toBe(0);
    expect(recoverFrom(i32, 0, 1, 9)).toBe(true);
    expect(i32[1]).toBe(1);
    expect(ownerOf(i32, 0)).toBe(0);
    expect(runSync(lockAsSteps(i32, 0, 4, 0))).toBe(true);
    expect(ownerOf(i32, 0)).toBe(4);
  });

  it("marks the word of a dead holder, keeps the mark through the next hold, and clears it with that hold's one unlock", () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4));
    expect(tryLockAs(i32, 0, 9)).toBe(true);
    expect(recoverMarked(i32, 0, 4)).toBe(false);
    expect(markedOwnerDied(i32, 0)).toBe(false);
    expect(recoverMarked(i32, 0, 9)).toBe(true);
    // free, and marked for whoever takes it next
    expect(ownerOf(i32, 0)).toBe(0);
    expect(markedOwnerDied(i32, 0)).toBe(true);
    expect(tryLockAs(i32, 0, 4)).toBe(true);
    expect(ownerOf(i32, 0)).toBe(4);
    expect(markedOwnerDied(i32, 0)).toBe(true);
    expect(unlockOwned(i32, 0)).toBe(true);
    expect(i32[0]).toBe(0);
    expect(markedOwnerDied(i32, 0)).toBe(false);
  });

  it('hands the mark to a holder that waited or blocked for the mutex', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(8));
    for (const take of [
      () => runSync(lockAsSteps(i32, 0, 4, 100)),
      () => lockSyncAs(i32, 0, 4, false),
    ]) {
      expect(tryLockAs(i32, 0, 9)).toBe(true);
      expect(recoverMarked(i32, 0, 9)).toBe(true);
      take();
      expect(ownerOf(i32, 0)).toBe(4);
      expect(markedOwnerDied(i32, 0)).toBe(true);
      expect(unlockOwned(i32, 0)).toBe(true);
    }
  });

  it('keeps the mark when a free marked mutex is unlocked by mistake, and reports that it was free', () => {
    const i32 = new Int32Array(new SharedArrayBuffer(4));
    expect(tryLockAs(i32, 0, 9)).toBe(true);
    expect(recoverMarked(i32, 0, 9)).toBe(true);
    expect(unlockOwned(i32, 0)).toBe(false);
    expect(markedOwnerDied(i32, 0)).toBe(true);
    expect(unlockOwned(i32, 0)).toBe(false);
    expect(ownerOf(i32, 0)).toBe(0);
  });
});
