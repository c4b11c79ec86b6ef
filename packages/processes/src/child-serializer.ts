// The v8 serializer of every message to a child process. Node's default one
// copies a typed array over a SharedArrayBuffer as if it were ordinary memory, so
// a child's writes to it would be lost without a word; this one refuses shared
// memory instead (the pool then names the argument that held it).
import { DefaultSerializer } from 'node:v8';

const sharedMemory = (): TypeError =>
  new TypeError('Shared memory (a SharedArrayBuffer) cannot cross a process boundary');

// Node's serializer hooks, which @types/node does not declare.
const hostObjects = DefaultSerializer.prototype as unknown as {
  _writeHostObject(this: DefaultSerializer, object: object): void;
};

class ChildSerializer extends DefaultSerializer {
  /** Called by v8 for a SharedArrayBuffer (the default throws a DataCloneError). */
  _getSharedArrayBufferId(): never {
    throw sharedMemory();
  }

  /** Called for each typed array, DataView and Buffer (the default copies its bytes). */
  _writeHostObject(object: object): void {
    if (ArrayBuffer.isView(object) && object.buffer instanceof SharedArrayBuffer) {
      throw sharedMemory();
    }
    hostObjects._writeHostObject.call(this, object);
  }
}

/**
 * `v8.serialize`, except that shared memory throws a TypeError instead of being
 * copied (a SharedArrayBuffer, or a typed array or DataView over one).
 */
export function serializeForChild(value: unknown): Buffer {
  const serializer = new ChildSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  return serializer.releaseBuffer();
}
