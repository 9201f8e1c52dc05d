/**
 * The one error type storage writes reject with. Callers show `message` to the
 * user as is, and branch on `code` (e.g. offer "free up space" for `quota`).
 */
export type StorageErrorCode = 'quota' | 'aborted' | 'unknown';

const MESSAGES: Record<StorageErrorCode, string> = {
  quota: 'There is not enough space to save this. Remove some saved articles or images and try again.',
  aborted: 'Saving was interrupted, so nothing was changed. Please try again.',
  unknown: 'Something went wrong while saving, so nothing was changed.',
};

export class StorageError extends Error {
  override readonly name = 'StorageError';
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string = MESSAGES[code], options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Maps whatever IndexedDB threw (a DOMException, an abort, a clone failure) to
 * a StorageError. Quota shows up under two names across browsers.
 */
export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  if (name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED') {
    return new StorageError('quota', MESSAGES.quota, { cause: error });
  }
  if (name === 'AbortError' || name === 'TransactionInactiveError' || name === 'InvalidStateError') {
    return new StorageError('aborted', MESSAGES.aborted, { cause: error });
  }
  return new StorageError('unknown', MESSAGES.unknown, { cause: error });
}
