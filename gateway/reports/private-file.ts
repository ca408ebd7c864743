// Reports and exports hold children's personal data: every file is created with mode 0600, and a file
// that already existed with a wider mode is narrowed before anything is written into it.
import { open } from 'node:fs/promises';

export async function writePrivateFile(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w', 0o600);
  try {
    await handle.chmod(0o600);
    await handle.writeFile(data);
  } finally {
    await handle.close();
  }
}
