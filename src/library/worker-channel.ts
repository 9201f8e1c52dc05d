/** How the library page talks to its workers; tests put a MessageChannel in a worker's place. */

/** The side of a worker or of a MessageChannel each end talks through. */
export interface Port {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

/** A port to a worker, and how to dispose of it. */
export interface WorkerChannel {
  port: Port;
  close(): void;
  /** Hears the worker itself fail (it could not load, or crashed), when the channel can tell. */
  watch?(fail: (error: Error) => void): void;
}

/** `worker` as a channel; `role` names it in the errors `watch` reports ("the backup reader"). */
export function workerChannel(worker: Worker, role: string): WorkerChannel {
  return {
    port: worker,
    close: () => worker.terminate(),
    watch: (fail) => {
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(`${role} stopped: ${event.message || 'it could not be loaded'}`));
      };
      worker.onmessageerror = () => fail(new Error(`${role} sent a message that could not be read`));
    },
  };
}
