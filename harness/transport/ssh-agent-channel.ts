// An agent over an SSH exec channel: the same NDJSON AgentChannel as a local child process.
// Signals sent over the channel do nothing as root, so stopping goes through the protocol
// (`bye`); `destroy` closes the channel, and the connection's end closes it too.
import type { ClientChannel } from 'ssh2';
import { type AgentChannel, type ChannelClosed, ndjsonChannel } from './channel.js';
import type { SshConnection } from './ssh-connection.js';

/** Starts `command` (an agent) over `connection` and wraps its stdio as an AgentChannel. */
export async function sshAgentChannel(connection: SshConnection, command: string, label: string): Promise<AgentChannel> {
  const channel: ClientChannel = await connection.openChannel(command);
  const ended = new Promise<ChannelClosed>((resolve) => {
    let exitCode: number | null = null;
    let exitSignal: string | undefined;
    channel.on('exit', (code: number | null, signal?: string) => {
      exitCode = code;
      exitSignal = signal;
    });
    channel.once('close', () => {
      if (exitSignal !== undefined || exitCode !== null) {
        resolve({ reason: exitSignal ? `agent killed by ${exitSignal}` : `agent exited with code ${exitCode}`, exitCode });
        return;
      }
      // No exit status: ssh2 closes channels just before the connection's own 'close', so
      // give the connection a moment to say why (keepalive timeout, reset).
      setTimeout(() => resolve({ reason: connection.isClosed ? `${connection.label}: ${connection.closeReasonText}` : 'ssh channel closed without an exit status', exitCode: null }), 50);
    });
    void connection.closed.then((reason) => resolve({ reason: `${connection.label}: ${reason}`, exitCode: null }));
  });
  return ndjsonChannel({
    label,
    stdout: channel,
    stdin: channel,
    stderr: channel.stderr,
    ended,
    destroy: () => {
      channel.close();
    },
  });
}
