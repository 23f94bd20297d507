// The ServiceAccount controller (kube-controller-manager's serviceaccount-controller,
// pkg/controller/serviceaccount/serviceaccounts_controller.go): every Active namespace has a
// ServiceAccount named `default` — created when the namespace appears (or is seen again), created
// again when deleted. Terminating namespaces are left alone.
import type { V1Namespace, V1ServiceAccount } from '@kubernetes/client-node';
import { describeError, statusCode } from '../client/clients.ts';
import type { Informer } from '../client/informer.ts';
import { WorkQueue } from '../client/workqueue.ts';
import type { Controller, ControllerContext } from './controller.ts';

/** DefaultServiceAccountsControllerOptions: the service accounts ensured in every namespace. */
export const SERVICE_ACCOUNTS_TO_ENSURE = ['default'];

export class ServiceAccountsController implements Controller {
  private readonly namespaces: Informer<V1Namespace>;
  private readonly serviceAccounts: Informer<V1ServiceAccount>;
  private readonly queue = new WorkQueue<string>({ name: 'serviceaccount' });
  private running?: Promise<void>;

  constructor(private readonly ctx: ControllerContext) {
    this.namespaces = ctx.informers.get('namespaces');
    this.serviceAccounts = ctx.informers.get('serviceaccounts');
    this.namespaces.on('add', (ns) => this.queue.add(ns.metadata?.name ?? ''));
    this.namespaces.on('update', (ns) => this.queue.add(ns.metadata?.name ?? ''));
    this.serviceAccounts.on('delete', (sa) => this.queue.add(sa.metadata?.namespace ?? ''));
  }

  async start(): Promise<void> {
    await Promise.all([this.namespaces.synced, this.serviceAccounts.synced]);
    this.running = this.queue.run(1, (ns) => this.sync(ns), (ns, err) => this.ctx.log(`serviceaccount-controller: ${ns} failed with : ${describeError(err)}`));
  }

  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private async sync(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns) return;
    // Not Active (Terminating): nothing is created there.
    if ((ns.status?.phase ?? 'Active') !== 'Active') return;
    const failures: string[] = [];
    for (const sa of SERVICE_ACCOUNTS_TO_ENSURE) {
      if (this.serviceAccounts.get(sa, name)) continue;
      try {
        await this.ctx.clients.core.createNamespacedServiceAccount({
          namespace: name,
          body: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace: name } },
        });
      } catch (err) {
        const code = statusCode(err);
        if (code === 409) continue;
        // A namespace being terminated refuses new content: nothing to do.
        if (code === 403 && describeError(err).includes('because it is being terminated')) continue;
        failures.push(describeError(err));
      }
    }
    if (failures.length > 0) throw new Error(failures.join(', '));
  }
}
