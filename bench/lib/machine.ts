// What a result was measured on, so numbers from different machines and commits are not compared blindly.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Machine {
  hostname: string;
  platform: string;
  kernel: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  node: string;
  etcd?: string;
  gitCommit?: string;
  gitBranch?: string;
  /** sha256 over src/ (paths and contents): HEAD alone does not say what an uncommitted tree ran. */
  srcDigest?: string;
}

/** HEAD read from the files (the bench does not shell out to git). */
function gitHead(repo: string): { commit?: string; branch?: string } {
  let gitDir = path.join(repo, '.git');
  if (!existsSync(gitDir)) return {};
  if (statSync(gitDir).isFile()) {
    // A worktree: .git names the real git dir.
    const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, 'utf8'));
    if (!m) return {};
    gitDir = path.resolve(repo, m[1]!.trim());
  }
  try {
    const head = readFileSync(path.join(gitDir, 'HEAD'), 'utf8').trim();
    if (!head.startsWith('ref:')) return { commit: head };
    const ref = head.slice(4).trim();
    const branch = ref.replace(/^refs\/heads\//, '');
    const commondir = path.join(gitDir, 'commondir');
    const common = existsSync(commondir) ? path.resolve(gitDir, readFileSync(commondir, 'utf8').trim()) : gitDir;
    for (const dir of [gitDir, common]) {
      const loose = path.join(dir, ref);
      if (existsSync(loose)) return { commit: readFileSync(loose, 'utf8').trim(), branch };
    }
    const packed = path.join(common, 'packed-refs');
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, 'utf8').split('\n')) {
        const [sha, name] = line.split(' ');
        if (name === ref && sha) return { commit: sha, branch };
      }
    }
    return { branch };
  } catch {
    return {};
  }
}

function srcDigest(repo: string): string | undefined {
  const root = path.join(repo, 'src');
  if (!existsSync(root)) return undefined;
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) hash.update(path.relative(repo, p)).update('\0').update(readFileSync(p)).update('\0');
    }
  };
  walk(root);
  return hash.digest('hex').slice(0, 16);
}

function etcdVersion(): string | undefined {
  try {
    const out = execFileSync('etcd', ['--version'], { encoding: 'utf8', timeout: 5_000 });
    return /etcd Version: (\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

export function machine(repo: string): Machine {
  const cpus = os.cpus();
  const git = gitHead(repo);
  return {
    hostname: os.hostname(),
    platform: os.platform(),
    kernel: os.release(),
    arch: os.arch(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    node: process.version,
    etcd: etcdVersion(),
    gitCommit: git.commit,
    gitBranch: git.branch,
    srcDigest: srcDigest(repo),
  };
}
