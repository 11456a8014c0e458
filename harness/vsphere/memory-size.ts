// VM memory as vSphere counts it (MB, powers of 1024), shown exactly: GB when that is a short
// exact number (0.75 GB, 90 GB), MB otherwise (32 MB, 1000 MB). Never rounded to "0.0G".

/** `0.75 GB`, `90 GB`, `32 MB`, `1000 MB`. */
export function formatMemoryMB(mb: number): string {
  const gb = mb / 1024;
  return mb >= 256 && Number.isInteger(gb * 100) ? `${gb} GB` : `${mb} MB`;
}
