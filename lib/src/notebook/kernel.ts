/**
 * A small Jupyter kernel client on zeromq 6: launches a kernel from its kernelspec, talks to it over
 * shell/iopub/control/heartbeat, executes code and collects nbformat outputs, detects a dying kernel
 * (process exit, heartbeat silence) and always cleans up (process, sockets, connection file).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import type { KernelSpec } from "./kernelspec";
import type { Output } from "./nbformat";
import { DisplayRegistry, OutputCollector } from "./outputs";
import { createMessage, decodeMessage, encodeMessage, type JupyterMessage } from "./protocol";

/** Options of {@link KernelClient.start}. */
export interface KernelClientOptions {
  /** Working directory of the kernel (default: the current directory). tslab resolves imports from it. */
  cwd?: string;
  /** Extra environment variables for the kernel (added to process.env and the kernelspec's env). */
  env?: Record<string, string>;
  /** How long the kernel may take to answer its first kernel_info_request (default 60 000 ms). */
  startupTimeoutMs?: number;
  /** Heartbeat ping period (default 1000 ms). */
  heartbeatIntervalMs?: number;
  /**
   * Heartbeat silence after which an idle kernel is declared dead and killed (default 30 000 ms).
   * While a request runs the silence is tolerated: tslab answers heartbeats on its only JavaScript
   * thread, so a long synchronous cell blocks them; the cell timeout covers that case.
   */
  heartbeatTimeoutMs?: number;
  /** IP the kernel binds to (default 127.0.0.1). */
  ip?: string;
}

/** Options of {@link KernelClient.execute}. */
export interface ExecuteRequestOptions {
  /** Time limit (default: none). On expiry the kernel is interrupted, then killed after `interruptGraceMs`. */
  timeoutMs?: number;
  /** How long to wait for the kernel to answer an interrupt before killing it (default 3000 ms). */
  interruptGraceMs?: number;
  /** Display registry shared with earlier cells (for update_display_data across cells). */
  displays?: DisplayRegistry;
  /** After the execute_reply, how long to wait for the IOPub "idle" that ends the outputs (default 3000 ms). */
  iopubTimeoutMs?: number;
}

/** How one execute_request ended. */
export type ExecuteStatus = "ok" | "error" | "abort" | "timeout" | "died";

/** Result of {@link KernelClient.execute}. */
export interface ExecuteOutcome {
  /** "ok"/"error"/"abort" as the kernel replied; "timeout" when the time limit hit; "died" when the kernel exited. */
  status: ExecuteStatus;
  /** The execution count the kernel assigned (null when it did not reply). */
  executionCount: number | null;
  /** Outputs in nbformat shape. */
  outputs: Output[];
  /** All stderr text of the execution (tslab reports compile and runtime errors only here). */
  stderr: string;
  /** All stdout text of the execution. */
  stdout: string;
  /** ename/evalue/traceback from the reply or an `error` output (tslab leaves them empty). */
  error?: { ename: string; evalue: string; traceback: string[] };
  /** Wall-clock time in ms. */
  durationMs: number;
  /** For "timeout": whether the kernel answered the interrupt. */
  interrupted?: boolean;
  /** For "timeout": whether the kernel had to be killed. */
  killed?: boolean;
  /** For "died": exit code/signal and the tail of the kernel process's own output. */
  death?: KernelDeath;
}

/** Why a kernel is gone. */
export interface KernelDeath {
  /** Process exit code, null when killed by a signal. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: NodeJS.Signals | null;
  /** Human-readable reason ("exited with code 1", "heartbeat silent for 30.0 s"). */
  reason: string;
  /** Last lines the kernel process wrote to its own stdout/stderr (outside any cell). */
  processOutput: string;
}

/** The kernel process exited or stopped answering. */
export class KernelDiedError extends Error {
  /** Exit code, signal, reason and the kernel's last output. */
  readonly death: KernelDeath;
  constructor(death: KernelDeath, context = "kernel") {
    super(`${context} died: ${death.reason}${death.processOutput ? `\n${death.processOutput}` : ""}`);
    this.name = "KernelDiedError";
    this.death = death;
  }
}

/** Connection info as written to the connection file. */
export interface ConnectionInfo {
  transport: "tcp";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: "hmac-sha256";
  kernel_name: string;
}

/** Asks the OS for `n` distinct free TCP ports by binding port 0 (released right before the kernel binds them). */
export async function findFreePorts(n: number, ip = "127.0.0.1"): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      servers.push(s);
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(0, ip, () => resolve());
      });
      ports.push((s.address() as net.AddressInfo).port);
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}

/**
 * Kills (SIGKILL, synchronously) every kernel this process started and has not shut down. For signal
 * handlers of command-line tools: kernels run in their own process group, so a Ctrl-C does not reach
 * them by itself. Returns how many were killed.
 */
export function killAllKernels(): number {
  let n = 0;
  for (const k of liveKernels) {
    k.killSync();
    n++;
  }
  return n;
}

/** Live kernels of this process, killed on exit so no kernel outlives its runner. */
const liveKernels = new Set<KernelClient>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const k of liveKernels) k.killSync();
  });
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
const sleep = (ms: number) => new Promise<"timeout">((r) => setTimeout(() => r("timeout"), ms).unref());

const TAIL_BYTES = 16 * 1024;

/**
 * A running kernel and a client connected to it.
 *
 * @example
 * ```ts
 * const kernel = await KernelClient.start(findKernelSpec("tslab"), { cwd: "notebooks" });
 * try {
 *   const r = await kernel.execute("1 + 1", { timeoutMs: 10_000 });
 *   console.log(r.status, r.outputs); // "ok", [{output_type: "stream", name: "stdout", text: "2\n"}]
 * } finally {
 *   await kernel.shutdown();
 * }
 * ```
 */
export class KernelClient {
  /** The kernelspec it was started from. */
  readonly spec: KernelSpec;
  /** Connection info (ports, key). */
  readonly connection: ConnectionInfo;
  /** The kernel_info_reply content (language_info etc.). */
  kernelInfo: Record<string, unknown> = {};
  /** Milliseconds from spawn to the first kernel_info_reply with IOPub working. */
  startupMs = 0;

  private readonly session = randomUUID();
  private readonly child: ChildProcess;
  private readonly connectionDir: string;
  /** The connection file (in a private temp folder, deleted by {@link KernelClient.shutdown}). */
  readonly connectionFile: string;
  // sendTimeout: a send never waits forever, even if the kernel vanished before connecting.
  private readonly shell = new zmq.Dealer({ linger: 0, sendTimeout: 10_000 });
  private readonly control = new zmq.Dealer({ linger: 0, sendTimeout: 10_000 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private hb: zmq.Request | undefined;
  private readonly replies = new Map<string, (m: JupyterMessage) => void>();
  private readonly iopubHandlers = new Map<string, (m: JupyterMessage) => void>();
  private readonly died = deferred<KernelDeath>();
  private deathInfo: KernelDeath | undefined;
  private readonly exited = deferred<void>();
  private processTail = "";
  private closed = false;
  private busy = 0;
  private lastBeat = Date.now();
  private readonly options: Required<Omit<KernelClientOptions, "env" | "cwd">> & Pick<KernelClientOptions, "env" | "cwd">;
  /** Messages that failed to decode (bad signature etc.): counted, never trusted. */
  droppedMessages = 0;

  private constructor(spec: KernelSpec, connection: ConnectionInfo, connectionFile: string, child: ChildProcess, options: KernelClientOptions) {
    this.spec = spec;
    this.connection = connection;
    this.connectionFile = connectionFile;
    this.connectionDir = path.dirname(connectionFile);
    this.child = child;
    this.options = {
      startupTimeoutMs: options.startupTimeoutMs ?? 60_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 1000,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs ?? 30_000,
      ip: options.ip ?? "127.0.0.1",
      env: options.env,
      cwd: options.cwd,
    };
    const keepTail = (chunk: Buffer) => {
      this.processTail = (this.processTail + chunk.toString("utf8")).slice(-TAIL_BYTES);
    };
    child.stdout?.on("data", keepTail);
    child.stderr?.on("data", keepTail);
    child.on("exit", (code, signal) => {
      this.markDead({
        exitCode: code,
        signal,
        reason: signal ? `kernel process ended by signal ${signal}` : `kernel process exited with code ${code}`,
        processOutput: "",
      });
      this.exited.resolve();
    });
    child.on("error", (err) => {
      this.markDead({ exitCode: null, signal: null, reason: `kernel process could not be started: ${err.message}`, processOutput: "" });
      this.exited.resolve();
    });
  }

  /**
   * Launches a kernel: picks free ports, writes a connection file (mode 0600) to a fresh temp folder,
   * spawns the kernelspec's argv in its own process group, connects the sockets and waits until the
   * kernel answers kernel_info_request and its IOPub messages arrive.
   *
   * @throws KernelDiedError when the process exits during start-up; Error on start-up timeout (the
   *   process is killed in both cases).
   */
  static async start(spec: KernelSpec, options: KernelClientOptions = {}): Promise<KernelClient> {
    const t0 = Date.now();
    const ip = options.ip ?? "127.0.0.1";
    const [shell, iopub, stdin, control, hb] = (await findFreePorts(5, ip)) as [number, number, number, number, number];
    const connection: ConnectionInfo = {
      transport: "tcp",
      ip,
      shell_port: shell,
      iopub_port: iopub,
      stdin_port: stdin,
      control_port: control,
      hb_port: hb,
      key: randomBytes(32).toString("hex"),
      signature_scheme: "hmac-sha256",
      kernel_name: spec.name,
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "battery-mi-kernel-"));
    const file = path.join(dir, `kernel-${randomUUID()}.json`);
    fs.writeFileSync(file, JSON.stringify(connection, null, 2), { mode: 0o600 });
    const argv = spec.argv.map((a) => a.replace(/\{connection_file\}/g, file).replace(/\{resource_dir\}/g, spec.resourceDir));
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        cwd: options.cwd ?? process.cwd(),
        env: { ...process.env, ...spec.env, ...(options.env ?? {}) },
        stdio: ["ignore", "pipe", "pipe"],
        // Own process group: a Ctrl-C in the terminal reaches the runner, which then interrupts or
        // kills the kernel itself, and a kill reaches the kernel's children too.
        detached: process.platform !== "win32",
      });
    } catch (e) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`cannot start kernel "${spec.name}" (${argv[0]}): ${(e as Error).message}`);
    }
    const client = new KernelClient(spec, connection, file, child, options);
    liveKernels.add(client);
    installExitHook();
    try {
      client.connect();
      await client.waitReady(t0);
      client.startupMs = Date.now() - t0;
      client.startHeartbeat();
      return client;
    } catch (e) {
      await client.shutdown({ graceMs: 0 });
      if (e instanceof KernelDiedError) throw new KernelDiedError(client.deathInfo ?? e.death, `kernel "${spec.name}" during start-up`);
      throw e;
    }
  }

  /** The kernel's process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True while the process runs and (when idle) answers heartbeats. */
  isAlive(): boolean {
    return this.deathInfo === undefined && !this.closed;
  }

  /** Why the kernel died, once it has. */
  get death(): KernelDeath | undefined {
    return this.deathInfo;
  }

  /** The last lines the kernel process wrote to its own stdout/stderr. */
  processOutput(): string {
    return this.processTail;
  }

  private markDead(death: KernelDeath): void {
    if (this.deathInfo) return;
    this.deathInfo = death;
    // The process output is read a moment later in reports; give the pipes time to drain first.
    setTimeout(() => {
      death.processOutput = this.processTail.trim().split("\n").slice(-20).join("\n");
      this.died.resolve(death);
    }, 50).unref();
  }

  private address(port: number): string {
    return `tcp://${this.connection.ip}:${port}`;
  }

  private connect(): void {
    this.shell.connect(this.address(this.connection.shell_port));
    this.control.connect(this.address(this.connection.control_port));
    this.iopub.connect(this.address(this.connection.iopub_port));
    this.iopub.subscribe();
    void this.receiveLoop(this.shell, (m) => this.replies.get(String(m.parent_header.msg_id))?.(m));
    void this.receiveLoop(this.control, (m) => this.replies.get(String(m.parent_header.msg_id))?.(m));
    void this.receiveLoop(this.iopub, (m) => this.iopubHandlers.get(String(m.parent_header.msg_id))?.(m));
  }

  private async receiveLoop(sock: zmq.Dealer | zmq.Subscriber, dispatch: (m: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of sock) {
        let msg: JupyterMessage;
        try {
          msg = decodeMessage(frames as Buffer[], this.connection.key);
        } catch {
          this.droppedMessages++;
          continue;
        }
        dispatch(msg);
      }
    } catch {
      // The socket was closed: the loop ends.
    }
  }

  private startHeartbeat(): void {
    const loop = async () => {
      while (!this.closed && this.deathInfo === undefined) {
        if (!this.hb) {
          this.hb = new zmq.Request({ linger: 0, relaxed: true, correlate: true, receiveTimeout: this.options.heartbeatIntervalMs });
          this.hb.connect(this.address(this.connection.hb_port));
        }
        const started = Date.now();
        try {
          await this.hb.send(Buffer.from("ping"));
          await this.hb.receive();
          this.lastBeat = Date.now();
        } catch {
          if (this.closed) return;
          // No answer within the interval.
          const silent = Date.now() - this.lastBeat;
          if (this.busy === 0 && silent > this.options.heartbeatTimeoutMs) {
            this.markDead({ exitCode: null, signal: null, reason: `no heartbeat for ${(silent / 1000).toFixed(1)} s while idle; kernel killed`, processOutput: "" });
            this.killSync();
            return;
          }
        }
        const wait = this.options.heartbeatIntervalMs - (Date.now() - started);
        if (wait > 0) await sleep(wait);
        // A busy kernel may not answer (tslab beats on its only thread); restart the silence clock when it goes idle.
        if (this.busy > 0) this.lastBeat = Math.max(this.lastBeat, Date.now() - this.options.heartbeatIntervalMs);
      }
    };
    void loop();
  }

  private async send(sock: zmq.Dealer, msg: JupyterMessage<object>): Promise<void> {
    await sock.send(encodeMessage(msg, this.connection.key));
  }

  private async waitReady(t0: number): Promise<void> {
    const deadline = t0 + this.options.startupTimeoutMs;
    while (Date.now() < deadline) {
      const req = createMessage("kernel_info_request", {}, this.session);
      const id = req.header.msg_id;
      const reply = deferred<JupyterMessage>();
      let sawIopub = false;
      const iopubSeen = deferred<void>();
      this.replies.set(id, reply.resolve);
      this.iopubHandlers.set(id, () => {
        sawIopub = true;
        iopubSeen.resolve();
      });
      try {
        await this.send(this.shell, req);
        const got = await Promise.race([reply.promise, this.died.promise.then(() => "died" as const), sleep(Math.max(0, deadline - Date.now()))]);
        if (got === "died") throw new KernelDiedError(this.deathInfo!);
        if (got === "timeout") break;
        this.kernelInfo = got.content;
        // IOPub joins late (ZeroMQ's slow joiner): the status messages of this request prove it works.
        if (!sawIopub) await Promise.race([iopubSeen.promise, sleep(500)]);
        if (sawIopub) return;
      } finally {
        this.replies.delete(id);
        this.iopubHandlers.delete(id);
      }
    }
    if (this.deathInfo) throw new KernelDiedError(this.deathInfo);
    throw new Error(
      `kernel "${this.spec.name}" did not become ready within ${(this.options.startupTimeoutMs / 1000).toFixed(0)} s (no kernel_info_reply with IOPub status)` +
        (this.processTail ? `; its output:\n${this.processTail.trim()}` : ""),
    );
  }

  /**
   * Runs code in the kernel and collects its outputs until the reply and the IOPub "idle" have come.
   * Never throws for kernel-side problems: a dead kernel gives status "died", an expired time limit
   * "timeout" (after an interrupt, then a kill if the kernel does not answer within the grace time).
   *
   * @param code - the cell source
   * @param options - time limit, interrupt grace, shared display registry
   */
  async execute(code: string, options: ExecuteRequestOptions = {}): Promise<ExecuteOutcome> {
    const t0 = Date.now();
    const collector = new OutputCollector(options.displays);
    const outcome = (status: ExecuteStatus, extra: Partial<ExecuteOutcome> = {}): ExecuteOutcome => {
      const o: ExecuteOutcome = {
        status,
        executionCount: null,
        outputs: collector.outputs,
        stderr: collector.stderr,
        stdout: collector.stdout,
        durationMs: Date.now() - t0,
        ...extra,
      };
      if (o.error === undefined && collector.error) o.error = collector.error;
      return o;
    };
    if (this.deathInfo) return outcome("died", { death: await this.died.promise });
    if (this.closed) throw new Error("execute() after shutdown()");

    const req = createMessage(
      "execute_request",
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      this.session,
    );
    const id = req.header.msg_id;
    const reply = deferred<JupyterMessage>();
    const idle = deferred<void>();
    this.replies.set(id, reply.resolve);
    this.iopubHandlers.set(id, (m) => {
      if (m.header.msg_type === "status" && m.content.execution_state === "idle") idle.resolve();
      else collector.handle(m.header.msg_type, m.content);
    });
    this.busy++;
    try {
      await this.send(this.shell, req);
      const died = this.died.promise.then(() => "died" as const);
      const limit = options.timeoutMs === undefined ? new Promise<never>(() => {}) : sleep(options.timeoutMs);
      let got = await Promise.race([reply.promise, died, limit]);
      let timedOut: Partial<ExecuteOutcome> | undefined;
      if (got === "timeout") {
        await this.interrupt().catch(() => undefined);
        got = await Promise.race([reply.promise, died, sleep(options.interruptGraceMs ?? 3000)]);
        if (got === "timeout" || got === "died") {
          await this.kill();
          return outcome("timeout", { interrupted: false, killed: true });
        }
        timedOut = { interrupted: true, killed: false };
      }
      if (got === "died") return outcome("died", { death: await this.died.promise });
      // Outputs may still be in flight on IOPub; "idle" marks their end.
      const after = await Promise.race([idle.promise.then(() => "idle" as const), died, sleep(options.iopubTimeoutMs ?? 3000)]);
      const content = got.content;
      const count = typeof content.execution_count === "number" ? content.execution_count : null;
      const extra: Partial<ExecuteOutcome> = { executionCount: count, ...(timedOut ?? {}) };
      if (content.status === "error" && (content.ename || content.evalue)) {
        extra.error = {
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
      }
      if (after === "died" && timedOut === undefined) return outcome("died", { ...extra, death: await this.died.promise });
      if (timedOut) return outcome("timeout", extra);
      const status: ExecuteStatus = content.status === "ok" ? "ok" : content.status === "aborted" || content.status === "abort" ? "abort" : "error";
      return outcome(status, extra);
    } finally {
      this.busy--;
      this.replies.delete(id);
      this.iopubHandlers.delete(id);
    }
  }

  /**
   * Interrupts the running request: SIGINT to the kernel's process group for interrupt_mode "signal",
   * an interrupt_request on the control channel for "message". tslab can only interrupt code that
   * awaits; a synchronous loop ignores it (the caller then kills the kernel).
   */
  async interrupt(): Promise<void> {
    if (!this.isAlive()) return;
    if (this.spec.interruptMode === "message") {
      await this.send(this.control, createMessage("interrupt_request", {}, this.session));
    } else {
      this.signal("SIGINT");
    }
  }

  private signal(sig: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined || this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      if (process.platform !== "win32") process.kill(-pid, sig);
      else this.child.kill(sig);
    } catch {
      try {
        this.child.kill(sig);
      } catch {
        // Already gone.
      }
    }
  }

  /** SIGKILL to the kernel's process group, without waiting (used on process exit). */
  killSync(): void {
    this.signal("SIGKILL");
  }

  /** Kills the kernel process (group) and waits until it has exited. */
  async kill(): Promise<void> {
    this.killSync();
    await Promise.race([this.exited.promise, sleep(5000)]);
  }

  /**
   * Ends the kernel: a shutdown_request on control, up to `graceMs` (default 2000) for the process to
   * exit, then SIGKILL; closes all sockets and deletes the connection file. Safe to call twice.
   */
  async shutdown(options: { graceMs?: number } = {}): Promise<void> {
    if (!this.closed) {
      const grace = options.graceMs ?? 2000;
      if (this.deathInfo === undefined && grace > 0) {
        try {
          await this.send(this.control, createMessage("shutdown_request", { restart: false }, this.session));
          await Promise.race([this.exited.promise, sleep(grace)]);
        } catch {
          // Fall through to the kill.
        }
      }
      this.closed = true;
      await this.kill();
      for (const s of [this.shell, this.control, this.iopub, this.hb]) {
        try {
          s?.close();
        } catch {
          // Already closed.
        }
      }
      fs.rmSync(this.connectionDir, { recursive: true, force: true });
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      liveKernels.delete(this);
    }
  }
}
