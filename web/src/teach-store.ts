/**
 * The person's labelled drawings, kept in this browser's IndexedDB (on their
 * machine only; nothing is sent anywhere). Each is the 28×28 input the
 * network saw (784 values in 0..1, as Float32Array) with the digit the person
 * says it is, so fine-tuning and the exported CSV use exactly what the pad
 * read.
 */

const DB_NAME = 'digitnet-teach';
const DB_VERSION = 1;
const STORE = 'digits';
export const INPUT_SIZE = 784;

export interface KeptDigit {
  id: number;
  /** The digit the person typed, 0–9. */
  label: number;
  /** What the network saw: 28×28 values in 0..1, row by row. */
  input: Float32Array;
  /** When it was kept (ms since 1970), to list the oldest first. */
  added: number;
}

/** A request's result as a promise. */
function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** Resolves when a read-write transaction has been written. */
function committed(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
    transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export class TeachStore {
  private constructor(private readonly db: IDBDatabase) {}

  /** Opens (or creates) the store; fails with one line when the browser keeps no IndexedDB (some private windows). */
  static async open(): Promise<TeachStore> {
    if (typeof indexedDB === 'undefined') throw new Error('this browser offers no IndexedDB to keep your digits in');
    const request = indexedDB.open(DB_NAME, DB_VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    };
    return new TeachStore(await done(request));
  }

  async add(label: number, input: ArrayLike<number>): Promise<KeptDigit> {
    if (!Number.isInteger(label) || label < 0 || label > 9) throw new Error(`a kept digit is labelled 0–9, got ${label}`);
    if (input.length !== INPUT_SIZE) throw new Error(`a kept digit has ${INPUT_SIZE} pixels, got ${input.length}`);
    const record = { label, input: Float32Array.from(input), added: Date.now() };
    const transaction = this.db.transaction(STORE, 'readwrite');
    const id = await done(transaction.objectStore(STORE).add(record));
    await committed(transaction);
    return { ...record, id: Number(id) };
  }

  /** Every kept digit, oldest first. */
  async all(): Promise<KeptDigit[]> {
    const rows = await done(this.db.transaction(STORE).objectStore(STORE).getAll());
    return (rows as KeptDigit[]).filter(isKept).sort((a, b) => a.id - b.id);
  }

  async remove(id: number): Promise<void> {
    const transaction = this.db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).delete(id);
    await committed(transaction);
  }

  async clear(): Promise<void> {
    const transaction = this.db.transaction(STORE, 'readwrite');
    transaction.objectStore(STORE).clear();
    await committed(transaction);
  }
}

/** A record as we wrote it (an older or foreign one is left out rather than breaking the list). */
function isKept(row: KeptDigit): boolean {
  return Number.isInteger(row.label) && row.label >= 0 && row.label <= 9 && row.input instanceof Float32Array && row.input.length === INPUT_SIZE;
}
