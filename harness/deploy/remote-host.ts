// One SSH host as vharness uses it: a pooled connection, the agent deployed once, models
// staged once per sha256, agents launched over exec channels, and its sysinfo from one
// agent's hello. Used by the ssh provider and by the vSphere provider for a VM's guest.
import type { SysInfo } from '../../agent/protocol.js';
import type { SshHost } from '../config/types.js';
import type { Logger } from '../log.js';
import type { AgentChannel } from '../transport/channel.js';
import { AgentSession } from '../transport/session.js';
import { sshAgentChannel } from '../transport/ssh-agent-channel.js';
import type { SshEndpoint } from '../transport/ssh-connect.js';
import type { SshConnection } from '../transport/ssh-connection.js';
import type { SshPool } from '../transport/ssh-pool.js';
import type { AgentBundleOptions } from './agent-bundle.js';
import { agentCommand, deployAgent, type DeployedAgent } from './deploy-agent.js';
import { stageModel } from './stage-model.js';

/** Endpoint plus where and how the agent lives there. */
export interface RemoteHostSpec extends SshEndpoint {
  /** Remote vharness directory. @default ~/.vharness */
  dir?: string;
  /** @default auto */
  node?: SshHost['node'];
}

export interface RemoteHostOptions {
  /** How long the first `hello` may take (agent start + onnxruntime load). @default 60000 */
  helloTimeoutMs?: number;
  bundle?: AgentBundleOptions;
}

/** The RemoteHostSpec of an inventory host. */
export function remoteHostSpec(host: SshHost): RemoteHostSpec {
  const spec: RemoteHostSpec = { name: host.name, address: host.address, port: host.port, user: host.user, dir: host.dir, node: host.node };
  if (host.key) spec.key = host.key;
  if (host.password) spec.password = host.password;
  return spec;
}

export class RemoteHost {
  readonly spec: RemoteHostSpec;
  private readonly pool: SshPool;
  private readonly log: Logger;
  private readonly options: RemoteHostOptions;
  private deployed: Promise<DeployedAgent> | undefined;
  private readonly models = new Map<string, Promise<string>>();
  private info: Promise<SysInfo> | undefined;
  /** Bytes uploaded to this host by this object (bundles and models). */
  bytesMoved = 0;

  constructor(spec: RemoteHostSpec, pool: SshPool, log: Logger, options: RemoteHostOptions = {}) {
    this.spec = spec;
    this.pool = pool;
    this.log = log;
    this.options = options;
  }

  get name(): string {
    return this.spec.name;
  }

  /** The pooled connection (reconnects after a loss). */
  connection(): Promise<SshConnection> {
    return this.pool.get(this.spec);
  }

  /** Deploys the agent once; later calls return the same result. */
  deploy(): Promise<DeployedAgent> {
    if (!this.deployed) {
      const work = this.pool.run(async () => {
        const result = await deployAgent(await this.connection(), { dir: this.spec.dir ?? '~/.vharness', node: this.spec.node ?? 'auto', ...(this.options.bundle ? { bundle: this.options.bundle } : {}) }, this.log);
        this.bytesMoved += result.bytesMoved;
        return result;
      });
      this.deployed = work;
      work.catch(() => {
        if (this.deployed === work) this.deployed = undefined;
      });
    }
    return this.deployed;
  }

  /** Makes a local model available on the host; returns the remote path. */
  stageModel(localPath: string, sha256: string): Promise<string> {
    let staged = this.models.get(sha256);
    if (!staged) {
      // Bounded by the pool like deploys: many hosts stage at once, at most ssh.concurrency at a time.
      const work = this.deploy().then((deployed) =>
        this.pool.run(async () => {
          const result = await stageModel(await this.connection(), deployed.root, localPath, sha256, this.log);
          this.bytesMoved += result.bytesMoved;
          return result.path;
        }),
      );
      staged = work;
      this.models.set(sha256, work);
      work.catch(() => {
        if (this.models.get(sha256) === work) this.models.delete(sha256);
      });
    }
    return staged;
  }

  /** Starts one agent (pinned to `cpus` with taskset when given). */
  async launch(label: string, cpus?: number[]): Promise<AgentChannel> {
    const deployed = await this.deploy();
    return sshAgentChannel(await this.connection(), agentCommand(deployed, cpus), label);
  }

  /** The host's facts from one agent's hello (asked once). */
  sysinfo(): Promise<SysInfo> {
    if (!this.info) {
      const work = (async () => {
        const session = new AgentSession(await this.launch(`${this.name}#probe`));
        try {
          return (await session.request('hello', {}, { timeoutMs: this.options.helloTimeoutMs ?? 60_000 })).sysinfo;
        } finally {
          await session.close();
        }
      })();
      this.info = work;
      work.catch(() => {
        if (this.info === work) this.info = undefined;
      });
    }
    return this.info;
  }
}
