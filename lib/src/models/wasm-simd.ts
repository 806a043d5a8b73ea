/**
 * A minimal WebAssembly assembler for the few numeric kernels that need 128-bit SIMD (two doubles per
 * instruction), written here so the library keeps no build step and no dependency for them.
 *
 * Why WebAssembly at all: V8 compiles JavaScript arithmetic on Float64Arrays to scalar instructions with a
 * bounds check per element; the best register-blocked dot products measured about 2 multiply-adds per ns.
 * The same loops as WebAssembly SIMD (f64x2) with loads at constant offsets from one pointer ran at 8–10 per
 * ns on the same machine, which is what the Gaussian process's predictive variance needs to keep up with
 * OpenBLAS (see gp-predict-simd.ts).
 *
 * Only what those kernels use is here: i32 scalars, v128 loads/stores and f64x2/i64x2 arithmetic, structured
 * blocks and loops (f64 only to store a lane). Opcode values are from the WebAssembly core specification (2.0), §5.4.
 * @internal
 */

/** Value types of locals and parameters. */
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

/** A piece of function body: bytes, or nested pieces (flattened when the function is assembled). */
export type Code = number | Code[];

function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f64Bytes(v: number): number[] {
  return Array.from(new Uint8Array(Float64Array.of(v).buffer));
}

function flatten(code: Code, out: number[] = []): number[] {
  if (typeof code === "number") out.push(code);
  else for (const c of code) flatten(c, out);
  return out;
}

/** A SIMD instruction: prefix 0xfd and the opcode as unsigned LEB128. */
const simd = (opcode: number, ...imm: number[]): number[] => [0xfd, ...uleb(opcode), ...imm];
/** Memory immediate: log2 alignment hint, byte offset. */
const memarg = (align: number, offset: number): number[] => [align, ...uleb(offset)];

/** Instructions, named as in the text format (`local.get` → `localGet`). */
export const op = {
  localGet: (i: number): Code => [0x20, ...uleb(i)],
  localSet: (i: number): Code => [0x21, ...uleb(i)],
  localTee: (i: number): Code => [0x22, ...uleb(i)],
  i32Const: (v: number): Code => [0x41, ...sleb(v)],
  i32Add: 0x6a,
  i32Mul: 0x6c,
  i32LtU: 0x49,
  i32Eqz: 0x45,
  f64Store: (offset = 0): Code => [0x39, ...memarg(3, offset)],
  f64Add: 0xa0,
  v128Load: (offset = 0): Code => simd(0x00, ...memarg(4, offset)),
  v128Load64Splat: (offset = 0): Code => simd(0x0a, ...memarg(3, offset)),
  v128Store: (offset = 0): Code => simd(0x0b, ...memarg(4, offset)),
  /** Both lanes = v. */
  f64x2Const: (v: number): Code => simd(0x0c, ...f64Bytes(v), ...f64Bytes(v)),
  /** Both 64-bit lanes = an integer bit pattern given as hi/lo 32-bit halves. */
  i64x2ConstBits: (hi: number, lo: number): Code => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setUint32(0, lo >>> 0, true);
    new DataView(b.buffer).setUint32(4, hi >>> 0, true);
    return simd(0x0c, ...b, ...b);
  },
  f64x2Splat: simd(0x14),
  /** Lanes [a₀, b₀] (lo = 0) or [a₁, b₁] (lo = 1) of two f64x2 (i8x16.shuffle with those bytes). */
  f64x2Interleave: (lo: 0 | 1): Code => {
    const lane = (base: number): number[] => Array.from({ length: 8 }, (_, i) => base + 8 * lo + i);
    return simd(0x0d, ...lane(0), ...lane(16));
  },
  f64x2ExtractLane: (lane: number): Code => simd(0x21, lane),
  f64x2Lt: simd(0x49),
  f64x2Abs: simd(0xec),
  v128AndNot: simd(0x4f),
  i64x2Shl: simd(0xcb),
  i64x2Add: simd(0xce),
  f64x2Sqrt: simd(0xef),
  f64x2Add: simd(0xf0),
  f64x2Sub: simd(0xf1),
  f64x2Mul: simd(0xf2),
  /** `block … end` (no result): `br 0` inside jumps past its end. */
  block: (...body: Code[]): Code => [0x02, 0x40, body, 0x0b],
  /** `loop … end` (no result): `br 0` inside jumps back to its start. */
  loop: (...body: Code[]): Code => [0x03, 0x40, body, 0x0b],
  brIf: (depth: number): Code => [0x0d, ...uleb(depth)],
};

/**
 * One function's locals: parameters first (their types fixed by the signature), then locals added by name.
 * Names make the generated code readable (`L.get("kp")`) and catch typos at generation time.
 */
export class Locals {
  private readonly index = new Map<string, number>();
  private readonly types: ValType[] = [];
  private readonly nParams: number;

  constructor(params: [string, ValType][]) {
    for (const [name, t] of params) this.add(name, t);
    this.nParams = params.length;
  }

  /** Declares a local (or parameter); names are unique. */
  add(name: string, t: ValType): number {
    if (this.index.has(name)) throw new Error(`wasm: local ${name} declared twice`);
    this.index.set(name, this.types.length);
    this.types.push(t);
    return this.types.length - 1;
  }

  private idx(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) throw new Error(`wasm: unknown local ${name}`);
    return i;
  }

  get(name: string): Code {
    return op.localGet(this.idx(name));
  }

  set(name: string): Code {
    return op.localSet(this.idx(name));
  }

  tee(name: string): Code {
    return op.localTee(this.idx(name));
  }

  /** Parameter types of the signature. */
  paramTypes(): ValType[] {
    return this.types.slice(0, this.nParams);
  }

  /** The locals declaration of the function body (one entry per local, run-length coding not needed). */
  declaration(): number[] {
    const rest = this.types.slice(this.nParams);
    return [...uleb(rest.length), ...rest.flatMap((t) => [1, t])];
  }
}

/** A function to assemble: its exported name, locals (with parameters) and body. No results. */
export interface WasmFunction {
  name: string;
  locals: Locals;
  body: Code;
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...uleb(b.length), ...b];
}

/**
 * Assembles a module that imports its memory as `env.memory` (at least one 64 KiB page) and exports the
 * functions by name. Each function gets its own type entry (identical types are allowed).
 */
export function assembleModule(functions: WasmFunction[]): Uint8Array<ArrayBuffer> {
  const types = functions.flatMap((f) => {
    const p = f.locals.paramTypes();
    return [0x60, ...uleb(p.length), ...p, 0];
  });
  const bodies = functions.map((f) => {
    const body = [...f.locals.declaration(), ...flatten(f.body), 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...uleb(functions.length), ...types]),
    ...section(2, [1, ...name("env"), ...name("memory"), 0x02, 0x00, 1]),
    ...section(3, [...uleb(functions.length), ...functions.map((_, i) => uleb(i)).flat()]),
    ...section(7, [...uleb(functions.length), ...functions.flatMap((f, i) => [...name(f.name), 0x00, ...uleb(i)])]),
    ...section(10, [...uleb(functions.length), ...bodies.flat()]),
  ]);
}
