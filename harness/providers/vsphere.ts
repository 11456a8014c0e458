// The vSphere provider: a configuration row (VMs x vCPUs x GB) becomes VMs named from the
// inventory's pattern, reused when vharness owns them, reconfigured when their size differs,
// cloned from the template otherwise; then guest IP, SSH and the agent as on bare metal.
// VMs of other configurations this run used are powered off so they do not compete for CPUs.
import { hostname, userInfo } from 'node:os';
import pLimit from 'p-limit';
import type { Inventory, SshSettings, VsphereSettings } from '../config/types.js';
import { UsageError, VsphereError } from '../errors.js';
import type { AgentBundleOptions } from '../deploy/agent-bundle.js';
import { RemoteHost } from '../deploy/remote-host.js';
import type { Logger } from '../log.js';
import { SshPool } from '../transport/ssh-pool.js';
import { AddressBook } from '../vsphere/address-book.js';
import type { VimClient } from '../vsphere/client.js';
import { connectVsphere } from '../vsphere/connect.js';
import { waitForGuestIp } from '../vsphere/guest-ip.js';
import { hypervisorFacts, listHosts, type EsxiHost } from '../vsphere/host-facts.js';
import { cidrContains, parseCidr, type Cidr } from '../vsphere/ip-pool.js';
import { LeaseStore, type LivenessCheck } from '../vsphere/lease-store.js';
import { RunHeartbeat, runLiveness } from '../vsphere/run-heartbeat.js';
import type { VharnessError } from '../errors.js';
import type { MoRef } from '../vsphere/moref.js';
import { destroyOwned, ownedVms } from '../vsphere/owned-vms.js';
import { resolvePlacement, type ResolvedPlacement } from '../vsphere/placement.js';
import { placeConfiguration, placementSummary, policyName, type ConfigurationPlacement, type PlacementPolicy } from '../vsphere/capacity.js';
import { datastoreFindings, drsFindings, hostLoads, hostsInScope, type NewVm } from '../vsphere/preflight.js';
import { vmConfigDifferences, vmRecord, wantedVmConfig } from '../vsphere/vm-config.js';
import { accessFindings } from '../vsphere/privilege-check.js';
import { provisionVm, type ProvisionContext, type VmRequest } from '../vsphere/provision-vm.js';
import type { TaskWaitOptions } from '../vsphere/task-wait.js';
import { powerOffVm } from '../vsphere/vm-actions.js';
import { listVms, readVm, type VmInfo } from '../vsphere/vm-inventory.js';
import type { Finding, HostFacts, Provider, ProviderContext, Target, TargetRequest } from './provider.js';

export interface VsphereProviderOptions {
  settings: VsphereSettings;
  ssh: SshSettings;
  /** The lease store. @default LeaseStore.forVcenter(host:port of settings.url) */
  leases?: LeaseStore;
  /** `user@host` written into ownership notes. @default the current user at this machine */
  owner?: string;
  /** Deadline of each vSphere task (clone, reconfigure, power). @default 600000 */
  taskTimeoutMs?: number;
  /** Wait for SSH and deploy the agent while acquiring. @default true */
  deploy?: boolean;
  bundle?: AgentBundleOptions;
  /** Use this connected client instead of opening one (it is not closed by shutdown). */
  client?: VimClient;
  log: Logger;
}

interface ActiveVm {
  ref: MoRef;
  name: string;
  configuration: string;
  address: string;
  host: MoRef | undefined;
  remote: RemoteHost | undefined;
  poweredOn: boolean;
}

/** vCenter `host:port` of a vCenter URL (the lease store's key). */
export function vcenterKey(url: string): string {
  return new URL(url).host;
}

const TEARDOWN_POLICIES = ['never', 'on-success', 'always'] as const;

/** The inventory with `run --teardown VALUE` applied (undefined: the inventory's own policy). */
export function applyTeardownFlag(inventory: Inventory, value: string | undefined): Inventory {
  if (value === undefined) return inventory;
  const policy = TEARDOWN_POLICIES.find((p) => p === value);
  if (!policy) throw new UsageError(`Expected --teardown to be one of ${TEARDOWN_POLICIES.join(', ')}, got '${value}'`);
  if (inventory.vm.provider !== 'vsphere') return inventory;
  return { ...inventory, vm: { provider: 'vsphere', vsphere: { ...inventory.vm.vsphere, teardown: policy } } };
}

/** `user@host` with characters an annotation field and a VM name can carry. */
export function defaultOwner(): string {
  const clean = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '-');
  return `${clean(userInfo().username)}@${clean(hostname())}`;
}

/** `vh-{config}-{index}` -> `vh-c3-2`. */
export function vmName(pattern: string, configuration: string, index: number, owner: string): string {
  const name = pattern
    .replaceAll('{config}', configuration)
    .replaceAll('{index}', String(index))
    .replaceAll('{owner}', owner.split('@')[0] ?? owner);
  return name.replace(/[^A-Za-z0-9._-]/g, '-');
}

export class VsphereProvider implements Provider {
  readonly kind = 'vsphere' as const;
  private readonly options: VsphereProviderOptions;
  private readonly settings: VsphereSettings;
  private readonly owner: string;
  private readonly cidr: Cidr;
  private readonly leases: LeaseStore;
  private readonly isLive: LivenessCheck;
  private heartbeat: RunHeartbeat | undefined;
  /** Set when vCenter could not be reached or logged in to: later cells fail without calling it. */
  private down: VsphereError | undefined;
  /** VMs already noted as created/reused/reconfigured in this run. */
  private readonly noted = new Set<string>();
  private readonly wait: TaskWaitOptions;
  private readonly addresses: AddressBook;
  private readonly active = new Map<string, ActiveVm>();
  private readonly hostNames = new Map<string, string>();
  private session: Promise<{ client: VimClient; placement: ResolvedPlacement }> | undefined;
  private pool: SshPool | undefined;
  private shutDown = false;
  /** Placements computed by preflight, by request (plan reads them through placement()). */
  private readonly planned = new Map<string, ConfigurationPlacement>();

  constructor(options: VsphereProviderOptions) {
    this.options = options;
    this.settings = options.settings;
    this.owner = options.owner ?? defaultOwner();
    this.cidr = parseCidr(options.settings.ipPool.cidr);
    const outside = options.settings.ipPool.addresses.filter((a) => !cidrContains(this.cidr, a));
    if (outside.length > 0) throw new VsphereError(`vm.ipPool.addresses: ${outside.join(', ')} not inside ${this.cidr.text}`);
    this.leases = options.leases ?? LeaseStore.forVcenter(vcenterKey(options.settings.url));
    this.isLive = runLiveness(this.leases.dir);
    this.wait = { timeoutMs: options.taskTimeoutMs ?? 600_000 };
    this.addresses = new AddressBook(options.settings.ipPool.addresses);
    const concurrency = options.settings.cloneConcurrency;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new VsphereError(`Expected vm.cloneConcurrency to be an integer >= 1, got ${concurrency}`);
  }

  /** vCenter `host:port`, the lease store's key. */
  get vcenter(): string {
    return vcenterKey(this.settings.url);
  }

  /** Why vCenter is not asked any more in this run (unreachable, frozen, login refused). */
  unavailable(): VharnessError | undefined {
    return this.down;
  }

  /** The connected client (connects on first use). */
  async client(): Promise<VimClient> {
    return (await this.connect()).client;
  }

  private connect(): Promise<{ client: VimClient; placement: ResolvedPlacement }> {
    if (this.down) return Promise.reject(new VsphereError(`vCenter ${this.vcenter} is not asked again in this run: ${this.down.message}`, { cause: this.down }));
    if (!this.session) {
      const work = (async () => {
        const client = this.options.client ?? (await connectVsphere(this.settings, this.options.log, { requestTimeoutMs: this.settings.requestTimeoutMs }));
        try {
          return { client, placement: await resolvePlacement(client, this.settings) };
        } catch (error) {
          if (!this.options.client) await client.close();
          throw error;
        }
      })();
      this.session = work;
      work.catch((error: unknown) => {
        if (this.session === work) this.session = undefined;
        // Login refused, certificate refused, no answer: every later call would fail the same way.
        if (error instanceof VsphereError) this.down ??= error;
      });
    }
    return this.session;
  }

  private vmRequests(request: Extract<TargetRequest, { target: 'vm' }>): VmRequest[] {
    return Array.from({ length: request.vms }, (_, i) => ({
      name: vmName(this.settings.namePattern, request.configuration, i + 1, this.owner),
      configuration: request.configuration,
      vcpus: request.vcpus,
      memoryGB: request.memoryGB,
      config: wantedVmConfig(request.vcpus, request.memoryGB, request.settings, i),
    }));
  }

  /** The inventory's placement policy: one named host (`vm.host`), else `vm.placement`. */
  get policy(): PlacementPolicy {
    return this.settings.host !== undefined ? { kind: 'host', name: this.settings.host } : { kind: this.settings.placement };
  }

  /** Where the policy puts a configuration's VMs, given the hosts in scope and the VMs running there. */
  private place(request: Extract<TargetRequest, { target: 'vm' }>, hosts: EsxiHost[], vms: VmInfo[]): ConfigurationPlacement {
    const demands = this.vmRequests(request).map((r) => ({ name: r.name, vcpus: r.vcpus, memoryMB: r.config.memoryMB }));
    return placeConfiguration(request.configuration, demands, hostLoads(hosts, vms), this.policy);
  }

  /** Each configuration's placement as preflight computed it (computed now when preflight did not run). */
  async placement(requests: TargetRequest[], ctx: ProviderContext): Promise<ConfigurationPlacement[]> {
    const vmRequests = requests.filter((r): r is Extract<TargetRequest, { target: 'vm' }> => r.target === 'vm');
    if (vmRequests.some((r) => !this.planned.has(JSON.stringify(r)))) await this.preflight(vmRequests, ctx);
    return vmRequests.map((r) => this.planned.get(JSON.stringify(r))).filter((p): p is ConfigurationPlacement => p !== undefined);
  }

  async preflight(requests: TargetRequest[], _ctx: ProviderContext): Promise<Finding[]> {
    const vmRequests = requests.filter((r): r is Extract<TargetRequest, { target: 'vm' }> => r.target === 'vm');
    if (vmRequests.length === 0) return [];
    let session: { client: VimClient; placement: ResolvedPlacement };
    try {
      session = await this.connect();
    } catch (error) {
      return [{ level: 'error', message: `vSphere: ${error instanceof Error ? error.message : String(error)}` }];
    }
    try {
      return await this.preflightWith(session, vmRequests);
    } finally {
      // `plan` ends without shutdown(): do not leave a session open on vCenter.
      if (this.active.size === 0) await this.closeSession();
    }
  }

  private async closeSession(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    if (session && !this.options.client) await (await session.catch(() => undefined))?.client.close();
  }

  private async preflightWith(session: { client: VimClient; placement: ResolvedPlacement }, vmRequests: Extract<TargetRequest, { target: 'vm' }>[]): Promise<Finding[]> {
    const { client, placement } = session;
    const findings: Finding[] = [{ level: 'info', message: `vSphere: ${client.service.about.fullName}; template found; placement resolved (folder ${placement.folderPath})` }];
    const hosts = hostsInScope(await listHosts(client, placement.datacenter), placement);
    const vms = await listVms(client, placement.datacenter);
    for (const r of vmRequests) {
      const planned = this.place(r, hosts, vms);
      this.planned.set(JSON.stringify(r), planned);
      findings.push(...planned.findings, placementSummary(planned));
      const affinity = r.settings?.cpuAffinity;
      if (affinity) {
        findings.push({ level: 'warn', message: `configuration ${r.configuration}: cpuAffinity pins its VMs to host CPUs; DRS will not move them and vMotion is blocked` });
        const threads = Math.min(...hosts.map((h) => h.threads));
        const beyond = affinity.flat().filter((cpu) => cpu >= threads);
        if (beyond.length > 0) findings.push({ level: 'error', message: `configuration ${r.configuration}: cpuAffinity names logical CPU ${Math.max(...beyond)}, but a host in scope has only ${threads} (0-${threads - 1})` });
      }
    }
    findings.push(...(await drsFindings(client, placement)));
    findings.push(...(await accessFindings(client, placement, this.settings.user, this.settings.template).catch((error: unknown): Finding[] => [{ level: 'warn', message: `vSphere: privileges not checked: ${error instanceof Error ? error.message : String(error)}` }])));
    const byName = new Map(vms.map((v) => [v.name, v]));
    const newVms: NewVm[] = [];
    const names = new Set<string>();
    for (const r of vmRequests) {
      for (const req of this.vmRequests(r)) {
        if (names.has(req.name)) continue;
        names.add(req.name);
        const existing = byName.get(req.name);
        const lease = await this.leases.get(req.name);
        if (lease) {
          const other = await this.isLive(lease.runId);
          if (other.live) findings.push({ level: 'error', message: `vSphere: VM ${req.name} is in use by run ${lease.runId} (${other.detail})` });
        }
        if (!existing) newVms.push({ memoryMB: req.config.memoryMB, reservedMB: req.config.memoryReservationMB });
        else if (!existing.ownership && !(lease && (lease.moref === undefined || lease.moref === existing.ref.value))) findings.push({ level: 'error', message: `vSphere: VM ${req.name} exists and is not owned by vharness; change vm.namePattern or rename it` });
      }
    }
    const maxVms = Math.max(...vmRequests.map((r) => r.vms));
    if (maxVms > this.settings.ipPool.addresses.length) {
      findings.push({ level: 'error', message: `vSphere: a configuration needs ${maxVms} VMs but vm.ipPool has ${this.settings.ipPool.addresses.length} address(es)` });
    }
    findings.push(...(await datastoreFindings(client, placement, newVms)));
    return findings;
  }

  async acquire(request: TargetRequest, ctx: ProviderContext): Promise<Target[]> {
    if (this.shutDown) throw new VsphereError('vSphere provider already shut down');
    if (request.target !== 'vm') throw new VsphereError('the vSphere provider serves VM cells only; bare-metal baselines need a baremetal provider');
    try {
      return await this.acquireVms(request, ctx);
    } catch (error) {
      // A frozen or vanished vCenter: one bounded timeout, then no more calls this run.
      const client = await this.session?.catch(() => undefined);
      if (client?.client.unavailable) this.down ??= client.client.unavailable;
      throw error;
    }
  }

  private async acquireVms(request: Extract<TargetRequest, { target: 'vm' }>, ctx: ProviderContext): Promise<Target[]> {
    const { client, placement } = await this.connect();
    if (!this.heartbeat) {
      this.heartbeat = new RunHeartbeat(this.leases.dir, ctx.runId, this.owner);
      await this.heartbeat.start();
    }
    const wanted = this.vmRequests(request);
    const wantedNames = new Set(wanted.map((w) => w.name));
    const vms = await listVms(client, placement.datacenter);
    const byName = new Map(vms.map((v) => [v.name, v]));
    for (const vm of vms) {
      if (vm.powerState !== 'poweredOn') continue;
      for (const a of vm.addresses) if (cidrContains(this.cidr, a) && !wantedNames.has(vm.name)) this.addresses.hold(a, vm.name);
    }
    await this.parkOthers(client, wantedNames, ctx.log);
    const hosts = hostsInScope(await this.learnHostNames(client, placement), placement);
    const planned = this.place(request, hosts, vms);
    const hostRefs = new Map(hosts.map((h) => [h.name, h.ref]));
    for (const req of wanted) {
      const host = hostRefs.get(planned.vms.find((v) => v.name === req.name)?.host ?? '');
      if (host) req.host = host;
    }
    ctx.log.info(`vsphere: configuration ${request.configuration}, placement ${planned.policy}: ${planned.hosts.map((h) => `${h.host} <- ${h.vms.join(', ')}`).join('; ')}`);

    // Aborted on SIGINT/SIGTERM and when one VM of the cell fails.
    const cellFailed = new AbortController();
    const forward = (): void => cellFailed.abort(ctx.signal?.reason);
    if (ctx.signal?.aborted) forward();
    else ctx.signal?.addEventListener('abort', forward, { once: true });

    const provisionCtx: ProvisionContext = {
      client,
      placement,
      leases: this.leases,
      isLive: this.isLive,
      vcenter: this.vcenter,
      cidr: this.cidr,
      addresses: this.addresses,
      owner: this.owner,
      runId: ctx.runId,
      expires: new Date(Date.now() + this.settings.leaseHours * 3_600_000).toISOString(),
      wait: { ...this.wait, signal: cellFailed.signal },
      log: ctx.log,
      signal: cellFailed.signal,
    };
    if (this.settings.ipPool.gateway !== undefined) provisionCtx.gateway = this.settings.ipPool.gateway;
    if (this.settings.ipPool.dns !== undefined) provisionCtx.dns = this.settings.ipPool.dns;
    const limit = pLimit(this.settings.cloneConcurrency);
    const deploy = this.options.deploy ?? true;
    // Each VM goes on to its guest IP, read-back and agent deploy as soon as it is provisioned,
    // so SSH work overlaps the clones of the VMs still in the queue. The first VM that fails
    // stops the queued clones: the cell has failed already.
    const provisionOne = (req: VmRequest) =>
      provisionVm(provisionCtx, req, byName.get(req.name)).catch((error: unknown) => {
        if (!cellFailed.signal.aborted) cellFailed.abort(error);
        throw error;
      });
    const ready = await Promise.all(
      wanted.map(async (req) => {
        const p = await limit(() => provisionOne(req));
        const ipOptions = ctx.signal ? { timeoutMs: this.settings.ipTimeoutMs, signal: ctx.signal } : { timeoutMs: this.settings.ipTimeoutMs };
        const address = await waitForGuestIp(client, p.ref, p.name, this.cidr, ipOptions);
        const info = await readVm(client, p.ref);
        const differences = vmConfigDifferences(req.config, info.config);
        if (req.host && !req.host.equals(info.host)) differences.push(`host ${info.host?.value ?? 'none'} (wanted ${req.host.value})`);
        if (differences.length > 0) throw new VsphereError(`VM ${p.name} reads back ${differences.join(', ')} after reconfiguring`);
        const previous = this.active.get(p.name);
        const remote = previous?.remote && previous.address === address ? previous.remote : this.remoteFor(p.name, address, ctx.log);
        const active: ActiveVm = { ref: p.ref, name: p.name, configuration: req.configuration, address, host: info.host, remote, poweredOn: true };
        this.active.set(p.name, active);
        if (deploy) await remote.deploy();
        return { p, req, info, previous, active };
      }),
    ).finally(() => ctx.signal?.removeEventListener('abort', forward));
    const targets: Target[] = [];
    for (const { p, req, info, previous, active } of ready) {
      const target = this.target(active, req, client);
      target.vm = vmRecord(target.host, policyName(this.policy), info.config);
      // Results say per VM whether this run created, reused or reconfigured it.
      if (!this.noted.has(p.name) || p.action !== 'reused') target.notes.push(`VM ${p.name}: ${p.action}${p.action === 'reused' ? ' (left by an earlier run)' : ''}`);
      this.noted.add(p.name);
      // Without an afterCell() call from the controller, a move still shows at the next cell.
      if (previous?.host && info.host && !previous.host.equals(info.host)) {
        target.notes.push(`VM ${active.name} moved from ${this.hostNames.get(previous.host.value) ?? previous.host.value} to ${target.host} since its previous cell`);
      }
      targets.push(target);
    }
    return targets;
  }

  private remoteFor(name: string, address: string, log: Logger): RemoteHost {
    if (!this.pool) this.pool = new SshPool(this.options.ssh, log);
    const guest = this.settings.guest;
    // `{vm}` / `{address}` in guest.dir give each VM its own remote directory (guests sharing a filesystem, as in the lab).
    const dir = guest.dir.replaceAll('{vm}', name).replaceAll('{address}', address);
    const spec: ConstructorParameters<typeof RemoteHost>[0] = { name, address, port: guest.port, user: guest.user, dir, node: guest.node };
    if (guest.key) spec.key = guest.key;
    if (guest.password) spec.password = guest.password;
    return new RemoteHost(spec, this.pool, log, this.options.bundle ? { bundle: this.options.bundle } : {});
  }

  private target(vm: ActiveVm, req: VmRequest, client: VimClient): Target {
    const notes: string[] = [];
    const hostName = (ref: MoRef | undefined): string => (ref ? (this.hostNames.get(ref.value) ?? ref.value) : 'unknown');
    const remote = (): RemoteHost => {
      if (!vm.remote) throw new VsphereError(`VM ${vm.name} has no SSH endpoint`);
      return vm.remote;
    };
    return {
      name: vm.name,
      host: hostName(vm.host),
      address: vm.address,
      vcpus: req.vcpus,
      memoryGB: req.memoryGB,
      notes,
      stageModel: (localPath, sha256) => remote().stageModel(localPath, sha256),
      launch: (options) => remote().launch(options.label),
      afterCell: async () => {
        const now = (await readVm(client, vm.ref)).host;
        if (now && !now.equals(vm.host)) {
          notes.push(`VM ${vm.name} moved from ${hostName(vm.host)} to ${hostName(now)} during the cell`);
          vm.host = now;
        }
      },
    };
  }

  /** Powers off VMs this run used for other configurations (idle VMs would compete for CPUs). */
  private async parkOthers(client: VimClient, keep: Set<string>, log: Logger): Promise<void> {
    for (const vm of this.active.values()) {
      if (keep.has(vm.name) || !vm.poweredOn) continue;
      log.info(`vsphere: powering off ${vm.name} (configuration ${vm.configuration} is done for now)`);
      await powerOffVm(client, vm.ref, this.wait);
      vm.poweredOn = false;
      this.addresses.release(vm.address, vm.name);
    }
  }

  private async learnHostNames(client: VimClient, placement: ResolvedPlacement): Promise<EsxiHost[]> {
    const hosts = await listHosts(client, placement.datacenter);
    for (const h of hosts) this.hostNames.set(h.ref.value, h.name);
    return hosts;
  }

  async facts(_ctx: ProviderContext): Promise<HostFacts[]> {
    if (!this.session) return [];
    const { client, placement } = await this.connect();
    const used = new Set([...this.active.values()].map((v) => v.host?.value).filter((v): v is string => v !== undefined));
    const hosts = await this.learnHostNames(client, placement);
    return hosts.filter((h) => used.has(h.ref.value)).map((h) => ({ name: h.name, kind: this.kind, hypervisor: { ...hypervisorFacts(h), vcenter: client.service.about.fullName } }));
  }

  /** Applies the teardown policy to the VMs this run used, then closes SSH and vCenter connections. */
  async shutdown(outcome: 'success' | 'failure' | 'interrupted', ctx: ProviderContext): Promise<void> {
    if (this.shutDown) return;
    this.shutDown = true;
    try {
      await this.pool?.closeAll();
      if (!this.session || this.down) return;
      const { client, placement } = await this.connect();
      const policy = this.settings.teardown;
      const destroy = policy === 'always' || (policy === 'on-success' && outcome === 'success');
      if (destroy) {
        const owned = ownedVms(await listVms(client, placement.datacenter), await this.leases.list(), this.vcenter).filter((o) => o.runId === ctx.runId);
        const result = await destroyOwned(client, owned, this.leases, ctx.log, this.wait);
        if (result.failed.length > 0) throw new VsphereError(`teardown left ${result.failed.length} VM(s): ${result.failed.map((f) => `${f.name} (${f.error})`).join('; ')}`);
      } else if (this.active.size > 0) {
        ctx.log.info(`vsphere: keeping ${this.active.size} VM(s) for reuse (teardown: ${policy}${policy === 'on-success' ? `, run ${outcome}` : ''}); vharness vms destroy --run ${ctx.runId} removes them`);
      }
    } finally {
      await this.heartbeat?.stop();
      await this.closeSession();
    }
  }
}

/** The factory the provider map calls for `vm: {provider: vsphere}`. */
export function createVsphereProvider(settings: VsphereSettings, inventory: Inventory, log: Logger): VsphereProvider {
  return new VsphereProvider({ settings, ssh: inventory.ssh, log });
}
