// Real kubectl binaries against a running cluster. Each binary gets its own HOME (so its own, initially
// empty, discovery cache in ~/.kube/cache) and only the cluster's KUBECONFIG.
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';

export interface KubectlBinary {
  /** How the suite names it: `kubectl` (the one on PATH) or the file name (`kubectl.1.27`). */
  label: string;
  path: string;
  /** clientVersion.gitVersion, e.g. `v1.27.16` or `v1.32.4-dispatcher`. */
  gitVersion: string;
  major: number;
  minor: number;
  /** True for the `kubectl` found on PATH. */
  onPath: boolean;
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function clientVersion(bin: string): { gitVersion: string; major: number; minor: number } {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kubectl-version-'));
  try {
    const out = execFileSync(bin, ['version', '--client', '-o', 'json'], {
      env: { PATH: process.env.PATH ?? '', HOME: home, KUBECONFIG: '/dev/null' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    const v = (JSON.parse(out) as { clientVersion: { gitVersion: string; major: string; minor: string } }).clientVersion;
    return { gitVersion: v.gitVersion, major: Number(v.major), minor: Number.parseInt(v.minor, 10) };
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

/**
 * `kubectl` on PATH plus every `kubectl.1.*` beside the file it resolves to
 * (`dirname $(readlink -f $(command -v kubectl))`), oldest first, PATH's one last.
 */
export function findKubectlBinaries(): KubectlBinary[] {
  const onPath = which('kubectl');
  if (!onPath) throw new Error('kubectl is not on PATH');
  const real = realpathSync(onPath);
  const dir = path.dirname(real);
  const versioned = readdirSync(dir)
    .filter((f) => /^kubectl\.1\.\d+$/.test(f))
    .map((f) => path.join(dir, f));
  const found: KubectlBinary[] = [];
  for (const p of versioned) {
    const v = clientVersion(p);
    found.push({ label: path.basename(p), path: p, ...v, onPath: false });
  }
  found.sort((a, b) => a.minor - b.minor);
  const v = clientVersion(onPath);
  found.push({ label: 'kubectl', path: onPath, ...v, onPath: true });
  return found;
}

/**
 * The oldest and newest versioned kubectl and PATH's: for suites about controller or node behaviour,
 * where the versions in between print the same. The kubectl, write, explain and CRD suites run every
 * version (findKubectlBinaries), as the client matrix asks.
 */
export function spreadKubectlBinaries(): KubectlBinary[] {
  const all = findKubectlBinaries();
  const versioned = all.filter((b) => !b.onPath);
  const keep = new Set([versioned[0], versioned[versioned.length - 1], ...all.filter((b) => b.onPath)]);
  return all.filter((b) => keep.has(b));
}

export interface KubectlResult {
  /** The command line, for messages. */
  command: string;
  /** Exit code; null when killed (timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A one-paragraph description of a result for assertion messages. */
export function show(r: KubectlResult): string {
  return `$ ${r.command}\nexit code: ${r.code}${r.timedOut ? ' (timed out)' : ''}\n--- stdout ---\n${r.stdout}--- stderr ---\n${r.stderr}`;
}

function quote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}

export interface RunOptions {
  timeoutMs?: number;
  stdin?: string;
  /** Extra environment (e.g. EDITOR for `kubectl edit`). */
  env?: Record<string, string>;
}

/** A streaming kubectl (e.g. `get -w`): output so far, wait for a condition, stop. */
export interface KubectlProcess {
  child: ChildProcess;
  command: string;
  stdout(): string;
  stderr(): string;
  /** Resolves true when pred(stdout) holds, false after timeoutMs or when the process exits first. */
  waitFor(pred: (stdout: string) => boolean, timeoutMs: number): Promise<boolean>;
  /** SIGTERM this process (by its pid) and wait for it to exit. */
  stop(): Promise<KubectlResult>;
}

export class Kubectl {
  readonly home: string;

  constructor(
    readonly bin: KubectlBinary,
    /** The kubeconfig path, or where to read it once the cluster is up. */
    private readonly config: string | { kubeconfig: string },
    readonly defaultTimeoutMs = 30_000,
  ) {
    this.home = mkdtempSync(path.join(os.tmpdir(), `kubectl-home-${bin.label}-`));
  }

  get kubeconfig(): string {
    return typeof this.config === 'string' ? this.config : this.config.kubeconfig;
  }

  private env(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '', HOME: this.home, KUBECONFIG: this.kubeconfig };
  }

  commandLine(args: string[]): string {
    return [this.bin.label, ...args].map(quote).join(' ');
  }

  /** Write a file under this kubectl's HOME and return its path (for `-f`). */
  writeFile(name: string, content: string): string {
    const p = path.join(this.home, name);
    writeFileSync(p, content);
    return p;
  }

  run(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const command = this.commandLine(args);
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin.path, args, { env: { ...this.env(), ...opts.env }, cwd: this.home, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      child.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ command, code, stdout, stderr, timedOut });
      });
      child.stdin.end(opts.stdin ?? '');
    });
  }

  /** Runs kubectl and requires exit 0 and an empty stderr. */
  async ok(args: string[], opts: RunOptions = {}): Promise<KubectlResult> {
    const r = await this.run(args, opts);
    assert.equal(r.code, 0, `kubectl failed\n${show(r)}`);
    assert.equal(r.stderr, '', `unexpected stderr\n${show(r)}`);
    return r;
  }

  /** Runs kubectl and requires exit 0, exactly this stdout and an empty stderr. */
  async okPrints(args: string[], stdout: string): Promise<KubectlResult> {
    const r = await this.ok(args);
    assert.equal(r.stdout, stdout, show(r));
    return r;
  }

  spawn(args: string[]): KubectlProcess {
    const command = this.commandLine(args);
    const child = spawn(this.bin.path, args, { env: this.env(), cwd: this.home, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let exited = false;
    let code: number | null = null;
    const listeners = new Set<() => void>();
    const notify = () => {
      for (const l of [...listeners]) l();
    };
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const closed = new Promise<void>((resolve) =>
      child.on('close', (c) => {
        exited = true;
        code = c;
        notify();
        resolve();
      }),
    );
    return {
      child,
      command,
      stdout: () => stdout,
      stderr: () => stderr,
      waitFor: (pred, timeoutMs) =>
        new Promise<boolean>((resolve) => {
          const done = (v: boolean) => {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(v);
          };
          const check = () => {
            if (pred(stdout)) done(true);
            else if (exited) done(false);
          };
          const timer = setTimeout(() => done(false), timeoutMs);
          listeners.add(check);
          check();
        }),
      stop: async () => {
        if (!exited && child.pid !== undefined) {
          child.kill('SIGTERM');
          const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await closed;
          clearTimeout(t);
        }
        return { command, code, stdout, stderr, timedOut: false };
      },
    };
  }

  cleanup(): void {
    rmSync(this.home, { recursive: true, force: true });
  }
}

/**
 * A kubectl for one describe block, with a HOME of its own that goes in the block's `after`; it reads
 * the kubeconfig from `cluster` when it runs, so the cluster may still be starting when this is called.
 */
export function kubectlForSuite(bin: KubectlBinary, cluster: { kubeconfig: string }, defaultTimeoutMs?: number): Kubectl {
  const k = new Kubectl(bin, cluster, defaultTimeoutMs);
  after(() => k.cleanup());
  return k;
}

/** What kubectl prints after a server-side apply conflict (cmd/apply's help text). */
export const CONFLICT_HELP = `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;
