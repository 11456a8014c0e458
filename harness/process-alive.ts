// Whether a process with this pid exists on this machine (signal 0 sends nothing). EPERM means
// it exists but belongs to another user: still alive, for lock and heartbeat holders.
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}
