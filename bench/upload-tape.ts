// Uploads a tape file to the uploads container, in a process of its own, as a lender's own tool would
// (`az storage blob upload`): bench/run-job.ts measures the host's memory, and the upload's buffers are not
// the host's.
//   node bench/upload-tape.ts <connection string> <container> <blob name> <file>
import { BlobServiceClient } from '@azure/storage-blob';

const [connectionString, containerName, blobName, file] = process.argv.slice(2);
if (!connectionString || !containerName || !blobName || !file)
  throw new Error('usage: node bench/upload-tape.ts <connection string> <container> <blob name> <file>');
const container = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(containerName);
await container.createIfNotExists();
await container.getBlockBlobClient(blobName).uploadFile(file, {
  blobHTTPHeaders: { blobContentType: file.endsWith('.csv') ? 'text/csv' : 'application/json' },
});
