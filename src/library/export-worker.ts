/** The worker that writes chunks of the library page's list exports (see export-writing.ts). */
import type { Port } from './backup-reading';
import { serveExportWriting } from './export-writing';
import { TransferStore } from './transfer-data';

serveExportWriting(self as unknown as Port, new TransferStore());
