// `wheelhouse up`: the whole cluster in one process, on its own etcd unless --etcd-servers is given.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startApiServer, type ApiServer } from '../apiserver/server.ts';
import { EtcdStorage } from '../storage/etcd/store.ts';
import { startEtcd, type EmbeddedEtcd } from './etcd-supervisor.ts';
import { writeKubeconfig } from './kubeconfig.ts';

export interface UpOptions {
  port: number;
  host: string;
  stateDir: string;
  nodes: number;
  etcdServers?: string[];
  etcdPrefix: string;
}

export interface RunningCluster {
  apiserver: ApiServer;
  etcd?: EmbeddedEtcd;
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function up(opts: UpOptions): Promise<RunningCluster> {
  const stateDir = path.resolve(opts.stateDir);
  mkdirSync(stateDir, { recursive: true });
  let etcd: EmbeddedEtcd | undefined;
  let endpoints = opts.etcdServers;
  if (!endpoints || endpoints.length === 0) {
    etcd = await startEtcd({ dataDir: path.join(stateDir, 'etcd'), logFile: path.join(stateDir, 'etcd.log') });
    endpoints = etcd.endpoints;
  }
  const storage = new EtcdStorage(endpoints, opts.etcdPrefix);
  let apiserver: ApiServer;
  try {
    apiserver = await startApiServer({ storage, host: opts.host, port: opts.port });
  } catch (err) {
    await storage.close();
    await etcd?.stop();
    throw err;
  }
  const kubeconfigPath = path.join(stateDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, apiserver.url);
  return {
    apiserver,
    etcd,
    kubeconfigPath,
    stop: async () => {
      await apiserver.close();
      await storage.close();
      await etcd?.stop();
    },
  };
}
