/** The library page's backup reader over a MessageChannel, as its worker runs it, for Node (which has no Web Worker). */
import { MessageChannel } from 'node:worker_threads';
import { serveBackupReading } from '../../../src/library/backup-reading';
import type { Port, WorkerChannel } from '../../../src/library/worker-channel';

export function channelReader(): WorkerChannel {
  const { port1, port2 } = new MessageChannel();
  serveBackupReading(port2 as unknown as Port);
  return {
    port: port1 as unknown as Port,
    close: () => {
      port1.close();
      port2.close();
    },
  };
}
