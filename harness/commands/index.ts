// Every top-level command: its one-line summary and its module, loaded only when used (so
// `vharness agent` does not load the controller and `--help` does not load onnxruntime).
import type { CommandEntry } from '../command.js';

export const commands: Readonly<Record<string, CommandEntry>> = {
  run: { summary: 'run the benchmark matrix of a config and print the tables', load: async () => (await import('./run.js')).command },
  plan: { summary: 'show the cells, placement, capacity, preflight checks and estimated duration of a config', load: async () => (await import('./plan.js')).command },
  report: { summary: 'render a run as HTML with charts, Markdown, CSV or JSON', load: async () => (await import('./report.js')).command },
  compare: { summary: 'compare two runs cell by cell with B/A ratios', load: async () => (await import('./compare.js')).command },
  infer: { summary: 'run one inference instance here: latency, throughput, accuracy', load: async () => (await import('./infer.js')).command },
  model: { summary: 'build the synthetic ResNet-50 (fp32/int8), quantize an ONNX CNN, inspect a model', load: async () => (await import('./model/group.js')).group },
  probe: { summary: 'show the CPU, memory, virtualization and cgroup facts of every host of an inventory', load: async () => (await import('./probe.js')).command },
  inventory: { summary: 'compare two inventories (and, with --probe, their live host facts)', load: async () => (await import('./inventory/group.js')).group },
  vms: { summary: 'list or destroy the vSphere VMs vharness owns', load: async () => (await import('./vms/group.js')).group },
  lab: { summary: 'start, inspect or stop a simulated lab on loopback (sshd guests, vCenter simulator)', load: async () => (await import('./lab/group.js')).group },
  agent: { summary: 'serve the benchmark agent protocol on stdin/stdout (started by run, not by hand)', load: async () => (await import('./agent.js')).command },
  help: { summary: 'show the help of a command or subcommand', load: async () => (await import('./help.js')).command },
  completion: { summary: 'print a bash or zsh completion script', load: async () => (await import('./completion.js')).command },
};
