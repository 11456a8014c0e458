// cli-table3 tables for stdout: bold headers and grey borders when colour is on (never red:
// red means error), plain text for pipes, files and NO_COLOR.
import type Table from 'cli-table3';
import { colorEnabled } from '../terminal/color.js';

export function tableOptions(head: string[]): Table.TableConstructorOptions {
  return colorEnabled(process.stdout) ? { head, style: { head: ['bold'], border: ['grey'] } } : { head, style: { head: [], border: [] } };
}
