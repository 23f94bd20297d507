// Storage on etcd through the etcd3 client. resourceVersion is the key's mod_revision, updates are
// compare-and-swap transactions on it, and lists read bounded pages at one snapshot revision.
import {
  Etcd3,
  GRPCDeadlineExceededError,
  GRPCInvalidArgumentError,
  GRPCResourceExhastedError,
  GRPCUnavailableError,
  isRecoverableError,
  type IOptions,
} from 'etcd3';
import type { KObject } from '../../api/types.ts';
import {
  StorageError,
  type ListOptions,
  type ListResult,
  type Storage,
  type StorageEvent,
  type StorageWatch,
  type WatchHandlers,
} from '../interface.ts';

/** Bounded page size for reads from etcd; keeps each gRPC message well under its size cap. */
const ETCD_PAGE = 500;

interface RawKV {
  key: Buffer;
  value: Buffer;
  mod_revision: string;
  create_revision: string;
}

export function decode(kv: { value: Buffer }, revision: number | string): KObject {
  const obj = JSON.parse(kv.value.toString('utf8')) as KObject;
  obj.metadata.resourceVersion = String(revision);
  return obj;
}

export function encode(obj: KObject): Buffer {
  // Upstream never stores resourceVersion: it is the key's revision, known only after the write.
  const rv = obj.metadata.resourceVersion;
  delete obj.metadata.resourceVersion;
  try {
    return Buffer.from(JSON.stringify(obj), 'utf8');
  } finally {
    if (rv !== undefined) obj.metadata.resourceVersion = rv;
  }
}

/** The smallest key greater than every key with this prefix. */
export function prefixEnd(prefix: string): Buffer {
  const b = Buffer.from(prefix, 'utf8');
  for (let i = b.length - 1; i >= 0; i--) {
    if (b[i]! < 0xff) {
      const end = Buffer.from(b.subarray(0, i + 1));
      end[i]! += 1;
      return end;
    }
  }
  return Buffer.from([0]);
}

function isCompacted(err: unknown): boolean {
  const m = err instanceof Error ? err.message : String(err);
  return m.includes('compacted');
}

/**
 * A write over etcd's --max-request-bytes: etcd refuses it, or past its gRPC slack the transport does.
 * Retrying cannot help (the client library counts the transport's refusal as recoverable), so it gets
 * a code of its own, with the text Go's etcd client would show kube-apiserver.
 */
function requestTooLarge(key: string, err: Error): StorageError | undefined {
  const desc = err.message.replace(/^\d+ [A-Z_]+: /, '');
  if (err instanceof GRPCInvalidArgumentError && desc === 'etcdserver: request is too large') return new StorageError('RequestTooLarge', key, desc);
  if (err instanceof GRPCResourceExhastedError && desc.startsWith('grpc: received message larger than max')) {
    return new StorageError('RequestTooLarge', key, `rpc error: code = ResourceExhausted desc = ${desc}`);
  }
  return undefined;
}

/**
 * A failure to reach etcd (connection refused or lost, deadline, the client's circuit breaker open
 * after repeated failures) becomes Unreachable, which the registry answers as upstream does (retry
 * later); anything else etcd says is passed on as it is.
 */
function unreachable(key: string, err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const tooLarge = requestTooLarge(key, err);
  if (tooLarge) return tooLarge;
  // The breaker's error is cockatiel's, which etcd3 does not re-export: it is known by its marker field.
  const brokenCircuit = (err as { isBrokenCircuitError?: boolean }).isBrokenCircuitError === true;
  const transient = brokenCircuit || isRecoverableError(err) || err instanceof GRPCDeadlineExceededError || err instanceof GRPCUnavailableError;
  return transient ? new StorageError('Unreachable', key, err.message) : err;
}

/**
 * The largest write this client sends, as Go's etcd client caps what it sends (2 MiB for etcd's default
 * 1.5 MiB request limit): the embedded etcd's 3 MiB --max-request-bytes plus the 512 KiB of gRPC slack
 * etcd grants above it. Writes between the two reach etcd and get its own refusal. Sending a bigger one
 * would be worse than useless: the etcd3 client takes the transport's refusal for a broken connection,
 * resets every channel (cutting the watches) and sends it three more times.
 */
export const MAX_CALL_SEND_BYTES = 3 * 1024 * 1024 + 512 * 1024;

/** A put of this value under this key, unless the transaction would be over MAX_CALL_SEND_BYTES. */
function sendable(key: string, value: Buffer): Buffer {
  // The transaction carries the key twice (compare and put) and a few bytes of framing.
  const size = value.length + 2 * Buffer.byteLength(key) + 32;
  if (size > MAX_CALL_SEND_BYTES) {
    throw new StorageError('RequestTooLarge', key, `rpc error: code = ResourceExhausted desc = trying to send message larger than max (${size} vs. ${MAX_CALL_SEND_BYTES})`);
  }
  return value;
}

export class EtcdStorage implements Storage {
  readonly client: Etcd3;
  /** Highest revision seen in any etcd response header; a cheap lower bound of the current revision. */
  latestRevision = 0;

  constructor(
    endpoints: string[],
    readonly prefix = '/registry',
    options: Partial<IOptions> = {},
  ) {
    this.client = new Etcd3({
      hosts: endpoints,
      // Without a dial timeout a dead etcd would hang requests forever.
      dialTimeout: 5000,
      ...options,
    });
  }

  private seen(rev: string | number): number {
    const r = Number(rev);
    if (r > this.latestRevision) this.latestRevision = r;
    return r;
  }

  async get(key: string): Promise<KObject | null> {
    let res;
    try {
      res = await this.client.kv.range({ key: Buffer.from(key) });
    } catch (err) {
      throw unreachable(key, err);
    }
    this.seen(res.header.revision);
    const kv = res.kvs[0] as RawKV | undefined;
    return kv ? decode(kv, kv.mod_revision) : null;
  }

  async count(prefix: string): Promise<number> {
    let res;
    try {
      res = await this.client.kv.range({ key: Buffer.from(prefix), range_end: prefixEnd(prefix), count_only: true });
    } catch (err) {
      throw unreachable(prefix, err);
    }
    this.seen(res.header.revision);
    return Number(res.count);
  }

  async list(prefix: string, opts: ListOptions): Promise<ListResult> {
    const limit = opts.limit ?? 0;
    const end = prefixEnd(prefix);
    let start = Buffer.from(opts.startKey ?? prefix);
    let revision = opts.revision ?? 0;
    const items: KObject[] = [];
    let remaining: number | undefined;
    for (;;) {
      // With a filter, matches are unknown in advance, so read whole pages.
      const want = limit > 0 && !opts.filter ? Math.min(ETCD_PAGE, limit - items.length) : ETCD_PAGE;
      let res;
      try {
        res = await this.client.kv.range({ key: start, range_end: end, limit: want, revision: revision || undefined });
      } catch (err) {
        if (isCompacted(err)) throw new StorageError('Compacted', prefix, 'required revision has been compacted');
        throw unreachable(prefix, err);
      }
      if (!revision) revision = this.seen(res.header.revision);
      const kvs = res.kvs as unknown as RawKV[];
      for (let i = 0; i < kvs.length; i++) {
        const kv = kvs[i]!;
        const obj = decode(kv, kv.mod_revision);
        if (opts.filter && !opts.filter(obj)) continue;
        items.push(obj);
        if (limit > 0 && items.length === limit) {
          const last = i === kvs.length - 1;
          const moreAfter = !last || res.more;
          if (!moreAfter) return { items, revision };
          const nextKey = Buffer.concat([kv.key, Buffer.from([0])]).toString('utf8');
          if (!opts.filter) remaining = Number(res.count) - (i + 1);
          return { items, revision, nextKey, remaining };
        }
      }
      if (!res.more || kvs.length === 0) return { items, revision };
      start = Buffer.concat([kvs[kvs.length - 1]!.key, Buffer.from([0])]);
    }
  }

  async create(key: string, obj: KObject): Promise<KObject> {
    const k = Buffer.from(key);
    let res;
    try {
      res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: k, value: sendable(key, encode(obj)) } }],
        failure: [],
      });
    } catch (err) {
      throw unreachable(key, err);
    }
    const rev = this.seen(res.header.revision);
    if (!res.succeeded) throw new StorageError('KeyExists', key, `key exists: ${key}`);
    obj.metadata.resourceVersion = String(rev);
    return obj;
  }

  async update(key: string, obj: KObject, expectedRevision: number): Promise<KObject> {
    const k = Buffer.from(key);
    let res;
    try {
      res = await this.client.kv.txn({
        compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expectedRevision }],
        success: [{ request_put: { key: k, value: sendable(key, encode(obj)) } }],
        failure: [{ request_range: { key: k } }],
      });
    } catch (err) {
      throw unreachable(key, err);
    }
    const rev = this.seen(res.header.revision);
    if (!res.succeeded) {
      const kvs = res.responses[0]?.response_range?.kvs ?? [];
      if (kvs.length === 0) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
      throw new StorageError('Conflict', key, `revision mismatch on ${key}`);
    }
    obj.metadata.resourceVersion = String(rev);
    return obj;
  }

  async delete(key: string, expectedRevision?: number): Promise<KObject> {
    const k = Buffer.from(key);
    for (;;) {
      let expected = expectedRevision;
      let current: KObject | null = null;
      if (expected === undefined) {
        // Read first so the deleted object can be returned; CAS on what was read.
        let got;
        try {
          got = await this.client.kv.range({ key: k });
        } catch (err) {
          throw unreachable(key, err);
        }
        const kv = got.kvs[0] as RawKV | undefined;
        if (!kv) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
        current = decode(kv, kv.mod_revision);
        expected = Number(kv.mod_revision);
      }
      let res;
      try {
        res = await this.client.kv.txn({
          compare: [{ key: k, target: 'Mod', result: 'Equal', mod_revision: expected }],
          success: [{ request_delete_range: { key: k, prev_kv: true } }],
          failure: [{ request_range: { key: k } }],
        });
      } catch (err) {
        throw unreachable(key, err);
      }
      const rev = this.seen(res.header.revision);
      if (res.succeeded) {
        const prev = res.responses[0]?.response_delete_range?.prev_kvs?.[0] as RawKV | undefined;
        const obj = prev ? decode(prev, rev) : current!;
        obj.metadata.resourceVersion = String(rev);
        return obj;
      }
      const kvs = res.responses[0]?.response_range?.kvs ?? [];
      if (kvs.length === 0) throw new StorageError('KeyNotFound', key, `key not found: ${key}`);
      if (expectedRevision !== undefined) throw new StorageError('Conflict', key, `revision mismatch on ${key}`);
      // Unconditional delete raced with a write: retry against the new state.
    }
  }

  async watch(prefix: string, fromRevision: number, handlers: WatchHandlers): Promise<StorageWatch> {
    const watcher = await this.client
      .watch()
      .prefix(prefix)
      .startRevision(String(fromRevision))
      .withPreviousKV()
      .create();
    let closed = false;
    watcher.on('data', (res) => {
      // A watch given up after a disconnect may be re-attached by the client: its events are stale news.
      if (closed) return;
      const headerRev = this.seen(res.header.revision);
      if (!res.events || res.events.length === 0) {
        handlers.onProgress?.(headerRev);
        return;
      }
      const out: StorageEvent[] = [];
      for (const ev of res.events) {
        const kv = ev.kv as unknown as RawKV;
        const prevKv = ev.prev_kv as unknown as RawKV | undefined;
        const rev = Number(kv.mod_revision);
        const key = kv.key.toString('utf8');
        if (ev.type === 'Delete') {
          if (!prevKv) continue; // nothing to report without the last state
          out.push({ type: 'DELETED', key, obj: decode(prevKv, rev), prev: decode(prevKv, prevKv.mod_revision), revision: rev });
        } else {
          const created = kv.create_revision === kv.mod_revision;
          out.push({
            type: created ? 'ADDED' : 'MODIFIED',
            key,
            obj: decode(kv, rev),
            prev: prevKv ? decode(prevKv, prevKv.mod_revision) : undefined,
            revision: rev,
          });
        }
      }
      if (out.length) handlers.onEvents(out, out[out.length - 1]!.revision);
    });
    // The client reconnects by itself; the cache must hear of the gap, end its watches and list again
    // (upstream's watch requires a leader, so it fails the same way when etcd is gone).
    watcher.on('disconnected', () => {
      if (closed) return;
      closed = true;
      handlers.onError(new StorageError('Unreachable', prefix, 'etcd watch disconnected'));
      void watcher.cancel().catch(() => undefined);
    });
    watcher.on('error', (err: Error) => {
      if (closed) return;
      if (isCompacted(err)) handlers.onError(new StorageError('Compacted', prefix, err.message));
      else handlers.onError(err);
    });
    return {
      close: () => {
        closed = true;
        void watcher.cancel().catch(() => undefined);
      },
    };
  }

  async currentRevision(): Promise<number> {
    const res = await this.client.kv.range({ key: Buffer.from(this.prefix), count_only: true });
    return this.seen(res.header.revision);
  }

  async compact(revision: number): Promise<void> {
    try {
      await this.client.kv.compact({ revision, physical: false });
    } catch (err) {
      // A revision already compacted (another apiserver, or a restart) is not an error for us.
      if (!isCompacted(err)) throw err;
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
