// A real etcd and a real API server for a test file; nothing is mocked.
import { after, before } from 'node:test';
import type { Express } from 'express';
import { startApiServer, type ApiServer, type ApiServerOptions } from '../../src/apiserver/server.ts';
import { startTestEtcd, type TestEtcd } from './etcd.ts';
import { EtcdStorage } from '../../src/storage/etcd/store.ts';

export interface TestCluster {
  etcd: TestEtcd;
  storage: EtcdStorage;
  server: ApiServer;
  url: string;
  stop(): Promise<void>;
}

export async function startTestCluster(opts: Partial<ApiServerOptions> = {}): Promise<TestCluster> {
  const etcd = await startTestEtcd();
  const storage = new EtcdStorage(etcd.etcd.endpoints, '/registry');
  // No service account controller runs here, so pods would wait for a `default` account that never
  // comes: test clusters leave the ServiceAccount plugin out, as upstream's integration tests do.
  const server = await startApiServer({ storage, compactionIntervalMs: 0, disabledAdmissionPlugins: ['ServiceAccount'], ...opts });
  return {
    etcd,
    storage,
    server,
    url: server.url,
    stop: async () => {
      await server.close();
      await storage.close();
      await etcd.stop();
    },
  };
}

/** A test cluster for the enclosing describe block, with its express app for supertest. */
export interface SuiteCluster {
  cluster: TestCluster;
  app: Express;
}

/**
 * One test cluster per describe block: started in its `before`, stopped in its `after`. The handle is
 * empty until then; tests read it from inside their bodies.
 */
export function testClusterForSuite(opts: Partial<ApiServerOptions> = {}): SuiteCluster {
  const handle = {} as SuiteCluster;
  before(async () => {
    handle.cluster = await startTestCluster(opts);
    handle.app = handle.cluster.server.app;
  });
  after(async () => handle.cluster?.stop());
  return handle;
}
