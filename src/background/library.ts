/**
 * The background's handle on the library: opened once per worker life, and the
 * one place that turns storage failures into words for the user.
 */
import { StorageError } from '../storage/errors';
import { Library } from '../storage/library';

let opening: Promise<Library> | null = null;

export function getLibrary(): Promise<Library> {
  opening ??= Library.open().catch((error: unknown) => {
    opening = null; // let the next message try again
    throw error;
  });
  return opening;
}

export function describeError(error: unknown): { error: string; message: string } {
  if (error instanceof StorageError) return { error: error.code, message: error.message };
  return { error: 'unknown', message: error instanceof Error ? error.message : String(error) };
}
