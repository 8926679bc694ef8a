/**
 * The contract between the TypeScript engine (engine.ts) and the
 * AssemblyScript kernels (assembly/): where each setting and buffer pointer
 * sits in the configuration block in linear memory, and the codes for
 * activations and costs. This one file is compiled by both tsc and asc, so
 * it holds plain integer constants only.
 *
 * The block is 32-bit words: a header, then one descriptor per layer.
 * Pointers are byte offsets into linear memory; f32 fields are stored as
 * float32 bits.
 */

// Header words.
/** L, the number of layers after the input. */
export const H_LAYERS = 0;
/** B, the mini-batch size. */
export const H_BATCH = 1;
/** Cost code (COST_*). */
export const H_COST = 2;
/** η (f32). */
export const H_ETA = 3;
/** λ/n, L2 strength per example (f32). */
export const H_DECAY = 4;
/** μ, momentum (f32); 0 for plain SGD. */
export const H_MOMENTUM = 5;
/** 1 for Nesterov's momentum, else 0. */
export const H_NESTEROV = 6;
/** The training images: N×I bytes. */
export const H_IMAGES = 7;
/** The training labels: N bytes. */
export const H_LABELS = 8;
/** Leaky ReLU's slope for z < 0 (f32), written from nn/activations.ts so it is defined once. */
export const H_LEAKY_SLOPE = 9;
/** 256 float32: the input value of each pixel byte, byte/255 (a table: a float division per pixel costs more). */
export const H_PIXEL_VALUES = 10;
/**
 * The row-wise update of layer 0 (assembly/update.ts), or 0 for the
 * example-wise one: I int32 (how many of this train call's steps each row of
 * W has taken), I int32 (how many of the batch's examples light each row),
 * I bytes of row marks (padded to 16), then per row room for B δ row
 * offsets (int32) and B values s·x (f32), the batch's examples that light
 * that pixel. Plain SGD uses only the counts and the entries.
 */
export const H_ROW_WISE = 11;
export const HEADER_WORDS = 16;

// Layer descriptor words (layer l's block starts at word HEADER_WORDS + l·LAYER_WORDS).
/** I, inputs of the layer. */
export const L_IN = 0;
/** O, outputs of the layer. */
export const L_OUT = 1;
/** Op, O rounded up to a multiple of 4: the row stride of W, z, a and δ. */
export const L_OUT_PADDED = 2;
/** Activation code (ACT_*). */
export const L_ACT = 3;
/** W, I×Op float32, input-major: row k holds the weights from input k to every output. */
export const L_W = 4;
/** b, Op float32. */
export const L_B = 5;
/** Velocities of W and b (same shapes); 0 when μ = 0. */
export const L_VW = 6;
export const L_VB = 7;
/** z, a and δ: B rows of Op float32 each. */
export const L_Z = 8;
export const L_A = 9;
export const L_DELTA = 10;
/** The nonzero inputs of each row, B lists of up to I entries: byte offset of W's row k, and the input value. */
export const L_LIST_ROW = 11;
export const L_LIST_VALUE = 12;
/** B int32 list lengths. */
export const L_LIST_COUNT = 13;
export const LAYER_WORDS = 16;

export const ACT_SIGMOID = 0;
export const ACT_TANH = 1;
export const ACT_RELU = 2;
export const ACT_LEAKY_RELU = 3;
export const ACT_SOFTMAX = 4;

export const COST_QUADRATIC = 0;
export const COST_CROSS_ENTROPY = 1;
export const COST_LOG_LIKELIHOOD = 2;

/*
 * The threaded module's control block (threads.ts, threaded.ts): 32-bit
 * words in three 64-byte cache lines, so that a thread polling the barrier's
 * generation is not slowed by the others' counting: line 0 the generation
 * and the command (written once per step or run), line 1 the barrier's
 * counters, line 2 the work tickets. The counters are only touched atomically.
 */
/** Barrier generation: bumped when the last thread arrives; waiters poll it, then sleep on it. */
export const C_GENERATION = 0;
/** T, the number of threads, the caller's included. */
export const C_THREADS = 1;
/** What the next run does (CMD_*), and its arguments. */
export const C_COMMAND = 2;
export const C_CONFIG = 3;
/** Train: the order chunk (u32 indices) and its length. Evaluate: the number of examples. */
export const C_ORDER = 4;
export const C_COUNT = 5;
/** Evaluate: images (count×I bytes), labels, predictions (bytes) and each example's cost (f64). */
export const C_IMAGES = 6;
export const C_LABELS = 7;
export const C_PREDICTIONS = 8;
export const C_COSTS = 9;
/** Threads arrived at the current barrier. */
export const C_ARRIVED = 16;
/** Threads asleep (or about to be) on C_GENERATION: the last to arrive wakes them only if there are any. */
export const C_SLEEPERS = 17;
/** Nonzero once a thread has failed: the others stop waiting for it. */
export const C_FAILED = 18;
/** Threads 1 … T−1 that have instantiated the module and are about to serve. */
export const C_READY = 19;
/** Train: the next work ticket (a row of the batch, a chunk of the update); see threads.ts. */
export const C_NEXT_ROW = 32;
export const CONTROL_WORDS = 48;

export const CMD_TRAIN = 1;
export const CMD_EVALUATE = 2;
export const CMD_EXIT = 3;
