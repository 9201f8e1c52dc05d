/** The worker that reads JSON backups for the library page's imports (see backup-reading.ts). */
import { serveBackupReading, type Port } from './backup-reading';

serveBackupReading(self as unknown as Port);
