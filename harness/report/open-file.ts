// Opens a file in the desktop's viewer with xdg-open when there is one; says whether it did.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

async function findOnPath(name: string, path = process.env.PATH ?? ''): Promise<string | undefined> {
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (await access(candidate, constants.X_OK).then(() => true, () => false)) return candidate;
  }
  return undefined;
}

/** Starts xdg-open on `file` (detached, not waited for); false when xdg-open is not installed. */
export async function openFile(file: string): Promise<boolean> {
  const opener = await findOnPath('xdg-open');
  if (!opener) return false;
  const child = spawn(opener, [file], { detached: true, stdio: 'ignore' });
  child.on('error', () => {}); // a viewer that fails to start is not our failure
  child.unref();
  return true;
}
