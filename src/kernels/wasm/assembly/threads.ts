/**
 * The threaded kernels' entry points: the same row and update kernels as
 * index.ts, compiled a second time against one shared memory that every
 * thread's instance imports (scripts/build-wasm.mjs). The caller is thread 0
 * and calls `run`; threads 1 … T−1 sit in `serve`. Between steps they meet
 * at a barrier in memory (a counter and a generation word: spin briefly,
 * then sleep with memory.atomic.wait).
 *
 * How a mini-batch is split, each part giving exactly the one-thread numbers
 * (every unit's sums in the same order), in two steps with a barrier after
 * each:
 *   1. forward and backprop — by example: each thread takes the batch's next
 *      row by an atomic ticket (a thread that finishes early takes more); a
 *      row reads the weights and writes only its own buffers;
 *   2. the update — by weight rows: each layer's W is cut into 4·T chunks of
 *      whole rows (inputs), contiguous in memory and taken by ticket too;
 *      a chunk's share of each example's input list is one run of it, and
 *      in layer 0's row-wise update (update.ts) its rows' buckets, steps
 *      and catch-up are its own: no other chunk touches those rows, and the
 *      barrier after the call's last update finds every row current.
 * (Splitting by output unit instead — the first layer's forward pass and
 * the update by columns, the rest by rows, three barriers — keeps each
 * thread's columns of W in its own cache, but was slower in a head-to-head
 * run: 1.5× against 1.8× on --preset best, 1.2× against 1.6× on
 * [784, 100, 10] with batch 100.)
 * Evaluation is split by image, each thread in its own row buffer, writing
 * each example's cost so the caller sums them in the one-thread order.
 * Control block layout: ../abi.ts (C_*).
 */
import {
  C_ARRIVED, C_COMMAND, C_CONFIG, C_COSTS, C_COUNT, C_FAILED, C_GENERATION, C_IMAGES, C_LABELS, C_NEXT_ROW, C_ORDER, C_PREDICTIONS,
  C_SLEEPERS, C_THREADS, CMD_EVALUATE, CMD_EXIT, CMD_TRAIN, H_BATCH, H_COST, H_IMAGES, H_LABELS, H_LAYERS,
  L_A, L_ACT, L_IN, L_OUT, L_OUT_PADDED, L_Z,
} from "../abi";
import { field, header, layer, pointer } from "./config";
import { costValue, predict } from "./cost";
import { backwardRow, forwardRow } from "./rows";
import { updateRows } from "./update";

/**
 * Polls of the generation word before sleeping: a sleeping thread takes tens
 * of µs to wake (more in a virtual machine), and most waits between two
 * steps are shorter than these polls. Longer polling would waste a core that
 * a busy machine's other work wants.
 */
const SPIN: i32 = 100000;

/** Where the memory after the module's own static data begins. */
export function heapBase(): usize {
  return __heap_base;
}

/** Thread 0: start the command in the control block, do this thread's share, return when all have finished; 0 if a thread failed. */
export function run(ctl: usize): i32 {
  if (!barrier(ctl)) return 0;
  return share(ctl, 0) ? 1 : 0;
}

/** Threads 1 … T−1: do each command's share until CMD_EXIT (returns 1) or a failure (0). */
export function serve(ctl: usize, t: i32): i32 {
  while (barrier(ctl)) {
    if (word(ctl, C_COMMAND) == CMD_EXIT) return 1;
    if (!share(ctl, t)) return 0;
  }
  return 0;
}

function share(ctl: usize, t: i32): bool {
  const command = word(ctl, C_COMMAND);
  if (command == CMD_TRAIN) return trainShare(ctl, t);
  if (command == CMD_EVALUATE) {
    evaluateShare(ctl, t);
    return barrier(ctl);
  }
  return true;
}

/** Chunks per thread that each layer's update is cut into: enough to even out, few enough to cost nothing to hand out. */
const CHUNKS_PER_THREAD: i32 = 4;

/**
 * Thread t's part of training the chunk order[0 .. count), batch by batch.
 * Work goes by ticket: each thread draws until its ticket is past the step's
 * n items, so a step uses n + T tickets and every thread knows where the
 * next step's start (the caller zeroes the counter before each run).
 */
function trainShare(ctl: usize, t: i32): bool {
  const cfg = <usize>word(ctl, C_CONFIG);
  const order = <usize>word(ctl, C_ORDER);
  const count = word(ctl, C_COUNT);
  const T = word(ctl, C_THREADS);
  const B = header(cfg, H_BATCH);
  const L = header(cfg, H_LAYERS);
  const images = <usize>header(cfg, H_IMAGES);
  const labels = <usize>header(cfg, H_LABELS);
  const imageBytes = <usize>field(layer(cfg, 0), L_IN);
  const tickets = ctl + (<usize>C_NEXT_ROW << 2);
  const C = CHUNKS_PER_THREAD * T;
  let first = 0; // the step's first ticket
  for (let start = 0, step = 0; start < count; start += B, step++) {
    const m = min(B, count - start);
    const batch = order + (<usize>start << 2);
    const next = min(B, count - start - m);
    for (let r = atomic.add<i32>(tickets, 1) - first; r < m; r = atomic.add<i32>(tickets, 1) - first) {
      const n = <usize>load<u32>(order + (<usize>(start + r) << 2));
      forwardRow(cfg, r, images + n * imageBytes);
      backwardRow(cfg, r, load<u8>(labels + n));
    }
    first += m + T;
    if (!barrier(ctl)) return false; // every δ of the batch is in place
    for (let i = atomic.add<i32>(tickets, 1) - first; i < L * C; i = atomic.add<i32>(tickets, 1) - first) {
      updateChunk(cfg, m, i / C, i % C, C, batch, step, next);
    }
    first += L * C + T;
    if (!barrier(ctl)) return false; // the weights are updated before any thread reads them
  }
  return true;
}

/** Thread t's images of the evaluation, fed forward in row buffer t. */
function evaluateShare(ctl: usize, t: i32): void {
  const cfg = <usize>word(ctl, C_CONFIG);
  const count = word(ctl, C_COUNT);
  const T = word(ctl, C_THREADS);
  const images = <usize>word(ctl, C_IMAGES);
  const labels = <usize>word(ctl, C_LABELS);
  const predictions = <usize>word(ctl, C_PREDICTIONS);
  const costs = <usize>word(ctl, C_COSTS);
  const out = layer(cfg, header(cfg, H_LAYERS) - 1);
  const cost = header(cfg, H_COST);
  const act = field(out, L_ACT);
  const O = field(out, L_OUT);
  const at = (<usize>t * <usize>field(out, L_OUT_PADDED)) << 2;
  const z = pointer(out, L_Z) + at;
  const a = pointer(out, L_A) + at;
  const imageBytes = <usize>field(layer(cfg, 0), L_IN);
  const end = part(count, t + 1, T);
  for (let n = part(count, t, T); n < end; n++) {
    forwardRow(cfg, t, images + <usize>n * imageBytes);
    store<u8>(predictions + <usize>n, predict(act, z, a, O));
    store<f64>(costs + (<usize>n << 3), costValue(cost, z, a, O, load<u8>(labels + <usize>n)));
  }
}

/** The start of part t of n things split into T nearly equal parts. */
// @ts-ignore: decorator
@inline function part(n: i32, t: i32, T: i32): i32 {
  return <i32>((<i64>n * <i64>t) / <i64>T);
}

/**
 * Chunk c of C of layer l's update: its weight rows, and the biases with
 * chunk 0 (a layer with fewer than C inputs has empty chunks). A row whose
 * steps were put off (update.ts) catches up in the chunk that holds it, at
 * the call's last step too.
 */
function updateChunk(cfg: usize, m: i32, l: i32, c: i32, C: i32, batch: usize, step: i32, next: i32): void {
  const I = field(layer(cfg, l), L_IN);
  updateRows(cfg, l, m, part(I, c, C), part(I, c + 1, C), c == 0, batch, step, next);
}

// @ts-ignore: decorator
@inline function word(ctl: usize, w: i32): i32 {
  return atomic.load<i32>(ctl + (<usize>w << 2));
}

/** Wait until all T threads have arrived; false if a thread has failed. */
function barrier(ctl: usize): bool {
  const generation = ctl + (<usize>C_GENERATION << 2);
  const sleepers = ctl + (<usize>C_SLEEPERS << 2);
  const failed = ctl + (<usize>C_FAILED << 2);
  const g = atomic.load<i32>(generation);
  if (atomic.add<i32>(ctl + (<usize>C_ARRIVED << 2), 1) == word(ctl, C_THREADS) - 1) {
    // The last to arrive: reset the count before the new generation lets anyone reach the next barrier.
    atomic.store<i32>(ctl + (<usize>C_ARRIVED << 2), 0);
    atomic.add<i32>(generation, 1);
    if (atomic.load<i32>(sleepers) > 0) atomic.notify(generation, -1);
    return atomic.load<i32>(failed) == 0;
  }
  for (let i = 0; i < SPIN; i++) {
    if (atomic.load<i32>(generation) != g) return atomic.load<i32>(failed) == 0;
  }
  atomic.add<i32>(sleepers, 1);
  // wait returns at once if the generation has already moved on, so no wake-up is missed.
  while (atomic.load<i32>(generation) == g && atomic.load<i32>(failed) == 0) atomic.wait<i32>(generation, g, -1);
  atomic.sub<i32>(sleepers, 1);
  return atomic.load<i32>(failed) == 0;
}
