// cli-table3 colors only on a terminal: piped output and files stay plain text.
import type Table from 'cli-table3';

/** Table options for stdout: colored head and borders on a TTY, none otherwise. */
export function tableOptions(head: string[]): Table.TableConstructorOptions {
  return process.stdout.isTTY ? { head } : { head, style: { head: [], border: [] } };
}
