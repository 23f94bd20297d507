// The `wheelhouse` command.
import { Command, InvalidArgumentError } from 'commander';
import { up } from './up.ts';

function int(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a non-negative integer');
  return n;
}

const program = new Command('wheelhouse').description('A Kubernetes control plane on real etcd');

program
  .command('up')
  .description('run the whole cluster in the foreground until SIGINT/SIGTERM')
  .option('--port <port>', 'API server port (0 picks a free one)', int, 6443)
  .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
  .option('--state-dir <dir>', 'where etcd data and the kubeconfig live', '.state')
  .option('--nodes <n>', 'number of node agents to run', int, 0)
  .option('--etcd-servers <urls>', 'comma-separated etcd endpoints; without it an embedded etcd is started')
  .option('--etcd-prefix <prefix>', 'key prefix in etcd', '/registry')
  .action(async (o: { port: number; host: string; stateDir: string; nodes: number; etcdServers?: string; etcdPrefix: string }) => {
    const cluster = await up({
      port: o.port,
      host: o.host,
      stateDir: o.stateDir,
      nodes: o.nodes,
      etcdServers: o.etcdServers ? o.etcdServers.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      etcdPrefix: o.etcdPrefix,
    });
    if (o.nodes > 0) {
      console.error(`note: node agents are not implemented yet; --nodes ${o.nodes} starts none (see README)`);
    }
    console.log(`Wheelhouse is up at ${cluster.apiserver.url}; use it with: export KUBECONFIG=${cluster.kubeconfigPath}`);
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      await cluster.stop();
      process.exit(0);
    };
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });

await program.parseAsync(process.argv);
