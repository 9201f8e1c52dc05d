/** The worker that writes chunks of the library page's list exports (see export-writing.ts). */
import { serveExportWriting } from './export-writing';
import { TransferStore } from './transfer-data';
import type { Port } from './worker-channel';

serveExportWriting(self as unknown as Port, new TransferStore());
