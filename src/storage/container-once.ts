// A blob container created on first use, once per process: the first call creates it if missing, later
// calls share that promise, and a failed attempt is forgotten so the next call tries again.
import type { ContainerClient } from '@azure/storage-blob';

/** A function that ensures `container` exists (createIfNotExists once; retried after a failure). */
export function containerOnce(container: ContainerClient): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= container.createIfNotExists().then(
      () => undefined,
      (error: unknown) => {
        ready = undefined;
        throw error;
      },
    );
    return ready;
  };
}
