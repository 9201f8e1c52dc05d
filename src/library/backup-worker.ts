/** The worker that reads JSON backups for the library page's imports (see backup-reading.ts). */
import { serveBackupReading } from './backup-reading';
import type { Port } from './worker-channel';

serveBackupReading(self as unknown as Port);
