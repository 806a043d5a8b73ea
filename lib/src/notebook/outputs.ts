/**
 * Turns IOPub messages into nbformat outputs, the way Jupyter front ends and nbclient do: consecutive
 * writes to one stream merge, `update_display_data` rewrites every output showing the same display id
 * (in any cell of the notebook), `clear_output` empties the cell now or, with `wait`, at the next output.
 */
import type { DisplayDataOutput, ExecuteResultOutput, MimeBundle, Output } from "./nbformat";

type Displayable = DisplayDataOutput | ExecuteResultOutput;

/** Outputs by display id, shared by every cell of one notebook run so updates reach earlier cells. */
export class DisplayRegistry {
  private readonly byId = new Map<string, Displayable[]>();
  /** Remembers an output shown under a display id. */
  add(id: string, output: Displayable): void {
    const list = this.byId.get(id);
    if (list) list.push(output);
    else this.byId.set(id, [output]);
  }
  /** Replaces data and metadata of every output shown under `id`; returns how many were updated. */
  update(id: string, data: MimeBundle, metadata: Record<string, unknown>): number {
    const list = this.byId.get(id) ?? [];
    for (const o of list) {
      o.data = data;
      o.metadata = metadata;
    }
    return list.length;
  }
  /** Forgets outputs that were cleared. */
  forget(outputs: Output[]): void {
    const gone = new Set<Output>(outputs);
    for (const [id, list] of this.byId) {
      const kept = list.filter((o) => !gone.has(o));
      if (kept.length) this.byId.set(id, kept);
      else this.byId.delete(id);
    }
  }
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function displayIdOf(content: Record<string, unknown>): string | undefined {
  const id = asRecord(content.transient).display_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Collects the outputs of one cell execution from IOPub messages. */
export class OutputCollector {
  /** The cell's outputs, in nbformat shape. */
  readonly outputs: Output[] = [];
  /** Everything written to stderr during the execution, kept even when outputs are cleared. */
  stderr = "";
  /** Everything written to stdout during the execution. */
  stdout = "";
  /** The `error` message content, when the kernel sent one. */
  error: { ename: string; evalue: string; traceback: string[] } | undefined;
  private clearPending = false;

  /** @param displays - the notebook-wide display registry (a fresh one when the cell stands alone) */
  constructor(private readonly displays: DisplayRegistry = new DisplayRegistry()) {}

  private clearNow(): void {
    this.displays.forget(this.outputs);
    this.outputs.length = 0;
    this.clearPending = false;
  }

  private push(o: Output): void {
    if (this.clearPending) this.clearNow();
    this.outputs.push(o);
  }

  /**
   * Applies one IOPub message. Returns false for message types that are not outputs (status,
   * execute_input, comm messages), which are ignored.
   */
  handle(msgType: string, content: Record<string, unknown>): boolean {
    switch (msgType) {
      case "stream": {
        const name = content.name === "stderr" ? "stderr" : "stdout";
        const text = typeof content.text === "string" ? content.text : String(content.text ?? "");
        if (name === "stderr") this.stderr += text;
        else this.stdout += text;
        if (this.clearPending) this.clearNow();
        const last = this.outputs[this.outputs.length - 1];
        if (last && last.output_type === "stream" && last.name === name) {
          last.text = (Array.isArray(last.text) ? last.text.join("") : last.text) + text;
        } else {
          this.outputs.push({ output_type: "stream", name, text });
        }
        return true;
      }
      case "display_data":
      case "execute_result": {
        const id = displayIdOf(content);
        const out: Displayable =
          msgType === "display_data"
            ? { output_type: "display_data", data: asRecord(content.data), metadata: asRecord(content.metadata) }
            : {
                output_type: "execute_result",
                execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
                data: asRecord(content.data),
                metadata: asRecord(content.metadata),
              };
        if (id !== undefined) {
          out.transient = { display_id: id };
          this.displays.add(id, out);
        }
        this.push(out);
        return true;
      }
      case "update_display_data": {
        const id = displayIdOf(content);
        // An update for an unknown id is dropped, as JupyterLab and nbclient do.
        if (id !== undefined) this.displays.update(id, asRecord(content.data), asRecord(content.metadata));
        return true;
      }
      case "error": {
        const err = {
          ename: String(content.ename ?? ""),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
        this.error = err;
        this.push({ output_type: "error", ...err });
        return true;
      }
      case "clear_output":
        if (content.wait === true) this.clearPending = true;
        else this.clearNow();
        return true;
      default:
        return false;
    }
  }
}
