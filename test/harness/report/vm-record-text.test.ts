// VM settings in words for the report, and the ones that differ between two runs' cells (compare).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { vmSettingDifferences, formatVmRecord } from '../../../harness/report/vm-record-text.js';
import type { CellSummary, VmRecord } from '../../../harness/results/types.js';

const record = (over: Partial<VmRecord> = {}): VmRecord => ({
  host: 'esx1',
  placement: 'spread',
  cores_per_socket: 12,
  latency_sensitivity: 'normal',
  cpu_reservation_mhz: 0,
  memory_reservation_mb: 0,
  memory_locked: false,
  cpu_affinity: 'none',
  ...over,
});

const cell = (vms: (VmRecord | undefined)[]): CellSummary =>
  ({
    key: 'throughput/fp32/vm/c4',
    per_instance: vms.map((vm, i) => ({ name: `vm-${i + 1}`, host: vm?.host ?? 'esx1', status: 'completed', throughput_ips: 1, latency_ms: null, first_inference_ms: null, steps: 1, start_offset_ms: 0, peak_rss_bytes: null, ...(vm ? { vm } : {}) })),
  }) as unknown as CellSummary;

test('formats a VM record in one line', () => {
  assert.equal(
    formatVmRecord(record({ cores_per_socket: 6, latency_sensitivity: 'high', cpu_reservation_mhz: 2000, memory_reservation_mb: 92160, memory_locked: true, cpu_affinity: '0-11' })),
    'on esx1 (spread), 6 cores/socket, latency high, CPU res 2000 MHz, memory res 92160 MB (locked), affinity 0-11',
  );
});

test('names the settings that differ, not the host names, and nothing for non-vSphere cells', () => {
  const a = cell([record(), record()]);
  const b = cell([record({ host: 'other-lab-host', latency_sensitivity: 'high', memory_locked: true }), record({ host: 'other-lab-host', latency_sensitivity: 'high', memory_locked: true })]);
  assert.deepEqual(vmSettingDifferences(a, b), ['latency sensitivity: A normal, B high', 'memory locked: A false, B true']);
  assert.deepEqual(vmSettingDifferences(a, cell([record({ host: 'x' }), record({ host: 'y' })])), []);
  assert.deepEqual(vmSettingDifferences(cell([undefined]), cell([undefined])), []);
  assert.deepEqual(vmSettingDifferences(a, cell([undefined, undefined])).length, 7, 'a run without records differs in every setting');
});
