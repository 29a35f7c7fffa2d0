/**
 * How far a running sync has got, for people waiting on a big first sync: files read and entities
 * handed to the write transaction so far, per source. Reported after every file that held entities.
 */
import type { ClaimOptions } from './claim.js';

export interface SyncProgress {
  sourceId: string;
  filesRead: number;
  entitiesWritten: number;
}

export type ProgressListener = (progress: SyncProgress) => void;

/** A sync's options: the claim's, and who wants to hear how far it got. */
export type SyncOptions = ClaimOptions & { onProgress?: ProgressListener };
